/** The loss-curves panel page: live epochs pushed by the host, several runs overlaid. */
import '../shared/base.css';
import { CurvesAppend, CurvesInit, CurvesRuns, ExportFile, isMessage } from '../protocol';
import { h } from '../shared/dom';
import { connectHost } from '../shared/ipc';
import { onThemeChange } from '../shared/theme';
import { CurvesView, type CurvesUiState } from './view';
import { tw } from '../shared/l10n';

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const title = h('h1', {}, tw('curves.title'));
const root = h('div', { class: 'curves' });
app.append(title, root);

let view: CurvesView | undefined;
const host = connectHost<CurvesUiState>('curves', (msg) => {
	const v = view!;
	if (isMessage(CurvesInit.type, msg)) {
		if (msg.params.title) title.textContent = msg.params.title;
		v.setRuns(msg.params.runs);
	} else if (isMessage(CurvesAppend.type, msg)) {
		v.append(msg.params.runId, msg.params.points, msg.params.batches);
	} else if (isMessage(CurvesRuns.type, msg)) {
		v.upsertRuns(msg.params.runs, msg.params.remove);
	}
});
view = new CurvesView(root, {
	state: host.state,
	onState: (s) => host.saveState(s),
	onExport: (file) => host.post(ExportFile.type, file),
});
onThemeChange(() => view?.upsertRuns([]));
view.flush();
app.removeAttribute('aria-busy');
(window as unknown as { modelwrightDebug: unknown }).modelwrightDebug = { curves: view };
