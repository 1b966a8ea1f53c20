// `import 'operator-chat/element'` loads the module and registers <operator-chat>.
export {};
