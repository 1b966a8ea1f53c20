// A typed consumer of the package, checked with `tsc --noEmit` (strict) by types.test.mjs.
// Every call is what the README documents; the `@ts-expect-error` lines prove the types are
// precise (a line that type-checks would make tsc fail with "unused @ts-expect-error").
import init, {
  mount,
  type ChatError,
  type ChatHandle,
  type ChatMessage,
  type ChatState,
  type MountOptions,
  type OperatorChatLocale,
  type SessionGrant,
} from 'operator-chat';
import 'operator-chat/element';

export async function start(host: HTMLElement): Promise<ChatHandle> {
  await init();
  const options: MountOptions = {
    sessionEndpoint: '/operator/session',
    title: 'Ask Acme',
    placeholder: 'Type your question…',
    open: true,
    inline: false,
    persist: true,
    persistToken: true,
    persistKey: 'user-42',
    theme: { accent: '#0f766e', radius: '10px', zIndex: 40, '--oc-panel-width': '420px' },
    colorScheme: 'dark',
    locale: { lang: 'en', retry: 'Try again', toolRunning: 'Looking up {name}…', openChatUnread: 'Chat ({count} new)' },
    starterPrompts: ['Where is my order?', 'Talk to a person'],
    onMessage: (message: ChatMessage) => console.log(message.role, message.text, message.at.toFixed()),
    onError: (error: ChatError) => console.warn(error.code ?? 'unknown', error.transient, error.message),
    onStateChange: (state: ChatState) => {
      if (state.state === 'reconnecting') console.log(state.attempt, state.delayMs);
      if (state.channel === 'chat_async') console.log('async session');
    },
    onUnreadChange: (unread: number) => console.log(unread.toFixed()),
  };
  const chat = mount(host, options);
  chat.open();
  chat.send('Where is my order?');
  chat.setContext({ plan: 'pro', seats: 3 });
  chat.close();
  console.log(chat.unread.toFixed());
  return chat;
}

export function onLogout(chat: ChatHandle): void {
  chat.destroy();
  chat.clearPersisted();
}

export function inFrench(host: HTMLElement): ChatHandle {
  const locale: OperatorChatLocale = {
    lang: 'fr',
    title: 'Discutons',
    openChat: 'Ouvrir la discussion',
    send: 'Envoyer',
    newChat: 'Nouvelle discussion',
  };
  return mount(host, { sessionEndpoint: '/operator/session', locale });
}

export function withTokenSource(host: HTMLElement): ChatHandle {
  const getToken = async (): Promise<SessionGrant> => {
    const res = await fetch('/my/session', { method: 'POST', credentials: 'include' });
    return (await res.json()) as SessionGrant;
  };
  return mount(host, { getToken, inline: true });
}

export function fromTheElement(): void {
  const el = document.querySelector('operator-chat');
  el?.handle?.send('hello');
  el?.addEventListener('chat-message', (event) => console.log(event.detail.text));
  el?.addEventListener('chat-unread', (event) => console.log(event.detail.toFixed()));
  const created = document.createElement('operator-chat');
  created.setAttribute('session-endpoint', '/operator/session');
  document.body.append(created);
}

export function mistakes(host: HTMLElement, chat: ChatHandle): void {
  // @ts-expect-error sessionEndpoint must be a string
  mount(host, { sessionEndpoint: 42 });
  // @ts-expect-error one of sessionEndpoint / getToken is required
  mount(host, { title: 'no token source' });
  // @ts-expect-error not both
  mount(host, { sessionEndpoint: '/s', getToken: async () => ({}) as SessionGrant });
  // @ts-expect-error unknown theme key
  mount(host, { sessionEndpoint: '/s', theme: { colour: 'red' } });
  // @ts-expect-error unknown locale key
  mount(host, { sessionEndpoint: '/s', locale: { retyr: 'Réessayer' } });
  // @ts-expect-error locale texts are strings
  mount(host, { sessionEndpoint: '/s', locale: { retry: 3 } });
  // @ts-expect-error getToken must return a promise of a grant
  mount(host, { getToken: () => 'token' });
  // @ts-expect-error only light, dark or auto
  mount(host, { sessionEndpoint: '/s', colorScheme: 'sepia' });
  // @ts-expect-error send takes text
  chat.send({ text: 'hi' });
  // @ts-expect-error the persist key is the user's id as a string
  mount(host, { sessionEndpoint: '/s', persist: true, persistKey: 42 });
  // @ts-expect-error starter prompts are strings
  mount(host, { sessionEndpoint: '/s', starterPrompts: [{ text: 'hi' }] });
  // @ts-expect-error the unread count is read-only
  chat.unread = 0;
  // @ts-expect-error states are a closed set
  const state: ChatState = { state: 'sleeping' };
  void state;
  // @ts-expect-error channels are a closed set
  const phone: ChatState = { state: 'open', channel: 'phone' };
  void phone;
}
