/** The stop for an epoch whose loss is NaN/Infinity, with hints at the likely causes. */
import type { ResolvedConfig } from '../../core/config/resolve';
import type { EpochLogs } from '../../core/protocol';
import type { Stop } from './callbacks/callback';
import { tr } from '../messages';
import { getLocale } from '../../core/l10n';

/** Checked on the training logs, before the validation pass (which would only spread the NaN). */
export function nonFiniteStop(config: ResolvedConfig, epoch: number, lr: number, logs: EpochLogs): Stop | undefined {
	if (Number.isFinite(logs.loss)) return undefined;
	const hints = [tr('train.hint.lr', { lr, lower: lr / 10 })];
	if (config.data.scale === 'none') hints.push(tr('train.hint.scale'));
	if (!config.training.gradientClipping) hints.push(tr('train.hint.clip'));
	return {
		status: 'nonFinite',
		message: tr('train.nonFinite', { epoch: epoch + 1, hints: hints.join(getLocale() === 'zh-cn' ? '；' : '; ') }),
	};
}
