// The JavaScript API of operator-chat (shared by the `web` and `bundler` builds).

/** A conversation's channel, which names its session API. */
export type ChatChannel = 'chat_realtime' | 'chat_async';

/** What the host backend's session endpoint answers (and what `getToken()` resolves to). */
export interface SessionGrant {
  conversation_id: string;
  /** The ephemeral conversation token (sent only as `?token=`). */
  token: string;
  /** RFC 3339 UTC expiry, e.g. `2025-07-01T15:00:00Z`. */
  expires_at: string;
  /** Absolute events (SSE) URL, without token. */
  events_url: string;
  /**
   * The conversation's channel: `chat_realtime` (default when absent) sends over the session
   * WebSocket; `chat_async` posts each message to `/conversations/{id}/session` beside
   * `events_url` and reads its SSE answer.
   */
  channel?: ChatChannel;
  /** Absolute session WebSocket URL (`ws://` or `wss://`), without token; `chat_realtime` only. */
  session_url?: string;
}

/**
 * Values for the widget's CSS custom properties (`--oc-*`). Keys are camelCase or the property
 * itself; values are single CSS values. The same properties can be set from page CSS on the
 * host element, e.g. `operator-chat { --oc-accent: #0f766e; }`.
 */
export interface Theme {
  /** `--oc-accent`: launcher, header, user bubbles, send button. Default `#4f46e5`. */
  accent?: string;
  /** `--oc-accent-fg`: text on the accent colour. Default `#ffffff`. */
  accentFg?: string;
  /** `--oc-bg`: panel background. */
  bg?: string;
  /** `--oc-fg`: main text colour. */
  fg?: string;
  /** `--oc-muted`: timestamps, status. */
  muted?: string;
  /** `--oc-surface`: agent bubbles, composer field. */
  surface?: string;
  /** `--oc-border`: hairlines. */
  border?: string;
  /** `--oc-danger`: the error line. */
  danger?: string;
  /** `--oc-radius`: corner radius. Default `14px`. */
  radius?: string;
  /** `--oc-font`: font stack. */
  font?: string;
  /** `--oc-font-size`: base font size. Default `15px`. */
  fontSize?: string;
  /** `--oc-panel-width`: panel width in launcher mode. Default `380px`. */
  panelWidth?: string;
  /** `--oc-panel-height`: panel height in launcher mode. Default `560px`. */
  panelHeight?: string;
  /** `--oc-z`: z-index of the launcher and panel. */
  zIndex?: string | number;
  [property: `--oc-${string}`]: string | number | undefined;
}

/**
 * Texts and language of the widget (`options.locale`). Every key is optional: a partial object
 * overrides just those texts and the others stay English. `{name}`, `{message}`, `{code}` and
 * `{status}` are placeholders, replaced as plain text (never as HTML).
 */
export interface OperatorChatLocale {
  /** `lang` of the widget's content, e.g. `"fr"` (not a text; no default). */
  lang?: string;
  /** Launcher button label while the panel is closed. Default: "Open chat". */
  openChat?: string;
  /** Launcher label while the panel is closed and agent messages arrived since it was last open; `{count}` is how many. Default: "Open chat, {count} unread". */
  openChatUnread?: string;
  /** Launcher label while the panel is open, and the panel's close button. Default: "Close chat". */
  closeChat?: string;
  /** Panel title (`options.title` wins). Default: "Chat with us". */
  title?: string;
  /** Header button that ends the conversation. Default: "End chat". */
  endChat?: string;
  /** Status line while fetching a token or connecting. Default: "Connecting…". */
  statusConnecting?: string;
  /** Status line while connected. Default: "Online". */
  statusOnline?: string;
  /** Status line while reconnecting. Default: "Reconnecting…". */
  statusReconnecting?: string;
  /** Status line once the conversation ended. Default: "Ended". */
  statusEnded?: string;
  /** Status line after the connection gave up. Default: "Offline". */
  statusOffline?: string;
  /** Status line of a panel that is open but not started yet (while the widget's code loads). Default: "Loading…". */
  statusLoading?: string;
  /** Accessible name of the transcript. Default: "Conversation". */
  transcriptLabel?: string;
  /** Accessible name of the starter prompts shown before the visitor's first message. Default: "Suggested questions". */
  starterPrompts?: string;
  /** Accessible name of the typing indicator. Default: "The assistant is typing". */
  typing?: string;
  /** Under a user message not yet sent. Default: "Sending…". */
  sending?: string;
  /** Under a user message that could not be delivered. Default: "Not delivered". */
  notDelivered?: string;
  /**
   * Under a user message written just before the connection dropped and not acknowledged after
   * the reconnect. Default: "May not have been delivered".
   */
  notConfirmed?: string;
  /** Button on a code block in an agent message that copies the code. Default: "Copy". */
  copyCode?: string;
  /** That button's text for a moment after copying. Default: "Copied". */
  copied?: string;
  /** Button under such a message that sends it again. Default: "Send again". */
  sendAgain?: string;
  /** A running tool call; `{name}` is the tool. Default: "Using {name}…". */
  toolRunning?: string;
  /** A failed tool call; `{name}` is the tool. Default: "{name} failed". */
  toolFailed?: string;
  /** A finished tool call; `{name}` is the tool. Default: "Used {name}". */
  toolDone?: string;
  /** A transcript row for an error event; `{message}` is the service's message. Default: "Something went wrong: {message}". */
  rowError?: string;
  /** The transcript row when the conversation ends. Default: "The conversation has ended.". */
  rowEnded?: string;
  /** Error line while reconnecting has taken a while. Default: "The connection dropped. Trying again…". */
  reconnectingNotice?: string;
  /** Error line button that tries again at once. Default: "Retry". */
  retry?: string;
  /** The bar shown instead of the composer once the conversation ended. Default: "This conversation has ended.". */
  ended?: string;
  /** Button in that bar that starts a new conversation. Default: "Start new chat". */
  newChat?: string;
  /** Composer placeholder (`options.placeholder` wins). Default: "Write a message…". */
  placeholder?: string;
  /** Accessible name of the composer's text field. Default: "Message". */
  messageLabel?: string;
  /** Accessible name of the send button. Default: "Send message". */
  send?: string;
  /** Error line when the token source failed; `{message}` is its message and code. Default: "Could not start the chat: {message}". */
  errorTokenSource?: string;
  /** Error line when the service kept rejecting fresh tokens; `{code}` is its error code. Default: "The chat service did not accept this session ({code}).". */
  errorUnauthorized?: string;
  /** Error line when the service forbids this session. Default: "This chat is not available here (forbidden).". */
  errorForbidden?: string;
  /** Error line for another refusal; `{status}` is the HTTP status. Default: "The chat service refused the connection (HTTP {status}).". */
  errorRejected?: string;
  /** Error line for a `server.error`; `{message}` is the service's message. Default: "The assistant reported a problem: {message}". */
  errorServer?: string;
  /** Error line when a browser API failed; `{message}` is the detail. Default: "Connection problem: {message}". */
  errorTransport?: string;
}

/** @deprecated Use {@link OperatorChatLocale}. */
export type Locale = OperatorChatLocale;

/** A finished message: an agent message once completed, a user message once acknowledged. */
export interface ChatMessage {
  role: 'user' | 'agent';
  text: string;
  /** When the service recorded it (Unix milliseconds). */
  at: number;
}

/** An error passed to `onError` (also shown in the widget's error line). */
export interface ChatError extends Error {
  /** Machine-readable code when known (`rate_limited`, `token_revoked`, `forbidden`, …). */
  code: string | null;
  /** Whether trying again later may succeed. */
  transient: boolean;
}

/** Connection states. */
export type ChatStateName =
  | 'idle'
  | 'fetching_token'
  | 'connecting'
  | 'open'
  | 'reconnecting'
  | 'refreshing_token'
  | 'ended'
  | 'failed';

/** Passed to `onStateChange`. */
export interface ChatState {
  state: ChatStateName;
  /**
   * The conversation's channel, as the session answer (or `getToken()`) named it:
   * `chat_realtime` (messages over the session WebSocket) or `chat_async` (each message a
   * `POST …/session` answered with SSE). Absent until the first answer (e.g. `idle`,
   * the first `fetching_token`).
   */
  channel?: ChatChannel;
  /** With `reconnecting`: which retry (1-based). */
  attempt?: number;
  /** With `reconnecting`: the wait before it, in milliseconds. */
  delayMs?: number;
  /** With `failed`: why. */
  error?: string;
}

interface CommonOptions {
  /** Panel title. Default "Chat with us". */
  title?: string;
  /** Composer placeholder. Default "Write a message…". */
  placeholder?: string;
  /** Start with the panel open (launcher mode). Default `false`. */
  open?: boolean;
  /** Alias of `open`. */
  initiallyOpen?: boolean;
  /** Render the panel in place (fills the element), without the launcher. Default `false`. */
  inline?: boolean;
  /** Keep the conversation across reloads (`sessionStorage`). Default `false`. */
  persist?: boolean;
  /** With `persist`, also keep the token until it expires. Default `false`. */
  persistToken?: boolean;
  /**
   * The signed-in user's id (from the host app): with `persist`, the saved conversation and
   * token are kept per user, so the next user in the same tab never resumes the previous one's
   * conversation. Must not be empty.
   */
  persistKey?: string;
  /** CSS custom property values. */
  theme?: Theme;
  /** Force the light or dark palette; `"auto"` (default) follows `prefers-color-scheme`. */
  colorScheme?: 'light' | 'dark' | 'auto';
  /** Language and texts (a partial object overrides just those keys). */
  locale?: OperatorChatLocale;
  /**
   * Suggested first messages, shown as buttons until the visitor's first message; clicking one
   * sends its text. Each must be a non-empty string.
   */
  starterPrompts?: string[];
  /**
   * `eager` fetches the code the panel does not need to open and stream plain text (the
   * markdown renderer) at mount; otherwise (`idle`, the default, or `interaction`) it comes
   * when the panel first opens, and replies show as plain text until it is in. On
   * `<operator-chat>` the `loading` attribute also says when the wasm is fetched: after the
   * page's `load` event (`idle`), when a visitor comes near (`interaction`), or at once.
   */
  loading?: 'idle' | 'interaction' | 'eager';
  /** Each finished message. */
  onMessage?: (message: ChatMessage) => void;
  /** Something went wrong. */
  onError?: (error: ChatError) => void;
  /** Each connection state change. */
  onStateChange?: (state: ChatState) => void;
  /**
   * The unread count changed: agent messages finished while the panel was closed, since it was
   * last open (the launcher's badge). Opening the panel sets it to 0.
   */
  onUnreadChange?: (unread: number) => void;
}

/** Options with the session endpoint of the host backend (POSTed with the page's cookies). */
export interface EndpointOptions extends CommonOptions {
  sessionEndpoint: string;
  getToken?: never;
}

/** Options with an async token source (the ChatKit `getClientSecret` shape). */
export interface TokenOptions extends CommonOptions {
  /** Called at start, before the token expires and after it is rejected. */
  getToken: () => Promise<SessionGrant>;
  sessionEndpoint?: never;
}

export type MountOptions = EndpointOptions | TokenOptions;

/** A mounted widget. */
export class ChatHandle {
  private constructor();
  /** Opens the panel (connecting on first open). No effect inline. */
  open(): void;
  /** Closes the panel; the conversation stays connected. */
  close(): void;
  /** Sends `text` as the visitor. Throws on an empty string. */
  send(text: string): void;
  /** Merges a JSON object into the conversation context. */
  setContext(context: Record<string, unknown>): void;
  /** Removes the widget and closes its connections; later calls throw (except `clearPersisted`). */
  destroy(): void;
  /**
   * Forgets what `persist` saved for this widget (conversation and token) and saves nothing
   * more; call it on logout. Works after `destroy()` too.
   */
  clearPersisted(): void;
  /** Whether `destroy()` was called. */
  readonly destroyed: boolean;
  /** Agent messages finished while the panel was closed, since it was last open. */
  readonly unread: number;
  /** Frees the handle's memory. The widget stays until `destroy()`, whatever happens to the handle. */
  free(): void;
}

/**
 * Mounts the chat into `element` (inside an open shadow root). Throws an `Error` naming the
 * option when `options` is wrong.
 */
export function mount(element: Element, options: MountOptions): ChatHandle;

/**
 * The `<operator-chat>` element (defined by `import 'operator-chat/element'` before the wasm is
 * in, or when the module starts).
 */
export interface OperatorChatElement extends HTMLElement {
  /** The mount handle; `null` until the wasm is in, and after an error. */
  readonly handle: ChatHandle | null;
  /** Opens the panel (before the wasm is in: shows it loading and fetches the wasm at once). */
  open(): void;
  /** Closes the panel. */
  close(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'operator-chat': OperatorChatElement;
  }
  interface HTMLElementEventMap {
    'chat-message': CustomEvent<ChatMessage>;
    'chat-error': CustomEvent<ChatError>;
    'chat-statechange': CustomEvent<ChatState>;
    /** `detail`: the unread count. */
    'chat-unread': CustomEvent<number>;
  }
}
