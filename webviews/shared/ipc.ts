/**
 * The page's end of webviews/protocol.ts. Inside VS Code commands go through
 * `acquireVsCodeApi().postMessage`; outside (tests, fixtures in a plain page) they are kept in
 * `window.modelwrightOutbox` so a test can read what the page asked for. Host notifications
 * arrive as window `message` events in both cases.
 */
import {
	message,
	Ready,
	type CommandType,
	type HostToPageMessage,
	type PageToHostMessage,
	type PanelKind,
	type PanelState,
	type RestoreState,
} from '../protocol';
import { tw } from './l10n';

interface VsCodeApi {
	postMessage(msg: unknown): void;
	getState(): unknown;
	setState(state: unknown): void;
}
declare global {
	interface Window {
		acquireVsCodeApi?: () => VsCodeApi;
		modelwrightOutbox?: PageToHostMessage[];
	}
}

export interface PageHost<S> {
	post<M extends string, P>(type: CommandType<M, P>, params: P): void;
	/** UI state saved by `saveState` before a reload; undefined on first open. */
	readonly state: Partial<S> | undefined;
	saveState(state: S): void;
}

export function connectHost<S>(panel: PanelKind, onMessage: (msg: HostToPageMessage) => void): PageHost<S> {
	// acquireVsCodeApi may be called only once per page.
	const api = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
	if (!api) window.modelwrightOutbox = [];
	const saved = (api?.getState() ?? undefined) as PanelState<Partial<S>> | undefined;
	let ui: unknown = saved?.ui;
	let restore: RestoreState | undefined = saved?.restore;
	const persist = () => api?.setState({ ui, restore } satisfies PanelState);
	window.addEventListener('message', (e: MessageEvent) => {
		const d: unknown = e.data;
		if (typeof d !== 'object' || d === null) return;
		const m = d as { method?: unknown; params?: unknown };
		if (typeof m.method !== 'string' || !m.method.startsWith('modelwright/') || typeof m.params !== 'object' || m.params === null) return;
		const r = (m.params as { restore?: unknown }).restore;
		if (typeof r === 'object' && r !== null) {
			restore = r as RestoreState;
			persist();
		}
		try {
			onMessage(d as HostToPageMessage);
		} catch (err) {
			showError(err);
		}
	});
	const host: PageHost<S> = {
		post(type, params) {
			const msg = message(type, params) as PageToHostMessage;
			if (api) api.postMessage(msg);
			else window.modelwrightOutbox!.push(msg);
		},
		state: saved?.ui,
		saveState(state) {
			ui = state;
			persist();
		},
	};
	host.post(Ready.type, { panel });
	return host;
}

/** A failure inside a handler is shown in the page rather than leaving a blank panel. */
export function showError(err: unknown): void {
	console.error(err);
	let box = document.getElementById('mw-error');
	if (!box) {
		box = document.createElement('div');
		box.id = 'mw-error';
		box.setAttribute('role', 'alert');
		document.body.prepend(box);
	}
	box.textContent = tw('common.panelError', { message: err instanceof Error ? err.message : String(err) });
}
