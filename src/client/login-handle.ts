import { ReplaySubject, filter, firstValueFrom, take, type Observable } from 'rxjs';
import type { AccountLoginCompletedNotification, CancelLoginAccountResponse } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';

/**
 * An interactive login in progress (browser or device code). `wait()` resolves with the
 * `account/login/completed` notification of this attempt only; `cancel()` stops it.
 *
 * @example
 * const login: LoginHandle = await codex.loginChatgpt();
 * setTimeout(() => void login.cancel(), 5 * 60_000); // give up after five minutes
 * const { success, error } = await login.wait();
 */
export class LoginHandle {
  private readonly completed = new ReplaySubject<AccountLoginCompletedNotification>(1);

  constructor(
    private readonly connection: RpcConnection,
    /** The id of this login attempt. */
    readonly loginId: string,
    notifications$: Observable<ServerNotification>,
  ) {
    // Listening starts now, so a completion that comes before `wait()` is called is not missed.
    notifications$
      .pipe(
        filter((n): n is Extract<ServerNotification, { method: 'account/login/completed' }> => n.method === 'account/login/completed'),
        filter((n) => n.params.loginId === loginId),
        take(1),
      )
      .subscribe({ next: (n) => this.completed.next(n.params), error: (error: unknown) => this.completed.error(error) });
  }

  /** Resolves when this login attempt completes, successfully or not (see `success` and `error`). */
  wait(options: { readonly signal?: AbortSignal } = {}): Promise<AccountLoginCompletedNotification> {
    const completion = firstValueFrom(this.completed);
    if (options.signal === undefined) return completion;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new DOMException('login wait aborted', 'AbortError'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      completion.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Stops this login attempt; `wait()` then resolves with a failed completion. */
  cancel(options: RequestOptions = {}): Promise<CancelLoginAccountResponse> {
    return this.connection.request('account/login/cancel', { loginId: this.loginId }, options);
  }
}

/**
 * A browser login: open `authUrl`, then `wait()`.
 *
 * @example
 * const login = await codex.loginChatgpt();
 * console.log(`Open ${login.authUrl} to log in`);
 * const completed = await login.wait();
 * console.log(completed.success ? 'logged in' : completed.error);
 */
export class ChatgptLoginHandle extends LoginHandle {
  constructor(connection: RpcConnection, loginId: string, notifications$: Observable<ServerNotification>, readonly authUrl: string) {
    super(connection, loginId, notifications$);
  }
}

/**
 * A device-code login: show `verificationUrl` and `userCode` to the user, then `wait()`.
 *
 * @example
 * const login = await codex.loginChatgptDeviceCode();
 * console.log(`Go to ${login.verificationUrl} and enter ${login.userCode}`);
 * const { success } = await login.wait();
 */
export class DeviceCodeLoginHandle extends LoginHandle {
  constructor(
    connection: RpcConnection,
    loginId: string,
    notifications$: Observable<ServerNotification>,
    readonly verificationUrl: string,
    readonly userCode: string,
  ) {
    super(connection, loginId, notifications$);
  }
}
