/**
 * DOM building without HTML strings: every piece of data becomes a text node, so a run name,
 * class label or layer name such as `<img onerror=…>` is shown as text and never parsed.
 */

import { formatNumber as coreFormatNumber } from '../../engine/core/format';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null>;

function setAttrs(el: Element, attrs: Attrs | undefined): void {
	if (!attrs) return;
	for (const [k, v] of Object.entries(attrs)) {
		// Handlers are attached with addEventListener; an `on…` attribute would be inline script.
		if (/^on/i.test(k)) throw new Error(`refusing inline handler attribute ${k}`);
		if (v === undefined || v === null || v === false) continue;
		el.setAttribute(k, v === true ? '' : String(v));
	}
}

function append(el: Node, children: Child[]): void {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
	}
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	setAttrs(el, attrs);
	append(el, children);
	return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): SVGElementTagNameMap[K] {
	const el = document.createElementNS(SVG_NS, tag);
	setAttrs(el, attrs);
	append(el, children);
	return el;
}

export function button(label: string, onClick: (e: MouseEvent) => void, attrs?: Attrs): HTMLButtonElement {
	const b = h('button', { type: 'button', ...attrs }, label);
	b.addEventListener('click', onClick);
	return b;
}

/** A two-state button (aria-pressed), the accessible form of a legend entry or a toggle. */
export function toggle(label: string, pressed: boolean, onChange: (pressed: boolean) => void, attrs?: Attrs): HTMLButtonElement {
	const b = button(
		label,
		() => {
			const next = b.getAttribute('aria-pressed') !== 'true';
			b.setAttribute('aria-pressed', String(next));
			onChange(next);
		},
		attrs,
	);
	b.setAttribute('aria-pressed', String(pressed));
	return b;
}

export function clear(el: Element): void {
	while (el.firstChild) el.removeChild(el.firstChild);
}

/** Numbers as every surface states them (engine/core/format.ts: 4 significant digits); '—' for none. */
export function formatNumber(v: number | null | undefined, digits?: number): string {
	return v === null || v === undefined ? '—' : coreFormatNumber(v, digits);
}

export function formatCount(v: number | undefined): string {
	return v === undefined ? '?' : v.toLocaleString('en-US');
}

export function formatShape(shape: (number | null)[] | undefined): string {
	return shape ? `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]` : '?';
}

/** A labelled tab strip with arrow-key navigation (WAI-ARIA tabs pattern). */
export function tabs(
	label: string,
	items: { id: string; title: string; panel: HTMLElement }[],
	selected: string,
	onSelect: (id: string) => void,
): HTMLElement {
	const list = h('div', { role: 'tablist', 'aria-label': label, class: 'mw-tabs' });
	const buttons = items.map((it) => {
		const b = h('button', { type: 'button', role: 'tab', id: `tab-${it.id}`, 'aria-controls': `panel-${it.id}` }, it.title);
		it.panel.id = `panel-${it.id}`;
		it.panel.setAttribute('role', 'tabpanel');
		it.panel.setAttribute('aria-labelledby', `tab-${it.id}`);
		b.addEventListener('click', () => select(it.id));
		b.addEventListener('keydown', (e) => {
			const i = items.indexOf(it);
			const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -2;
			if (next === -2) return;
			const target = items[(next + items.length) % items.length]!;
			select(target.id);
			document.getElementById(`tab-${target.id}`)?.focus();
		});
		list.appendChild(b);
		return b;
	});
	function select(id: string): void {
		items.forEach((it, i) => {
			const on = it.id === id;
			buttons[i]!.setAttribute('aria-selected', String(on));
			buttons[i]!.tabIndex = on ? 0 : -1;
			it.panel.hidden = !on;
		});
		onSelect(id);
	}
	select(selected);
	return list;
}
