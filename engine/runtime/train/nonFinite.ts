/** The stop for an epoch whose loss is NaN/Infinity, with hints at the likely causes. */
import type { ResolvedConfig } from '../../core/config/resolve';
import type { EpochLogs } from '../../core/protocol';
import type { Stop } from './callbacks/callback';

/** Checked on the training logs, before the validation pass (which would only spread the NaN). */
export function nonFiniteStop(config: ResolvedConfig, epoch: number, lr: number, logs: EpochLogs): Stop | undefined {
	if (Number.isFinite(logs.loss)) return undefined;
	const hints = [`the learning rate (${lr}) may be too high: try ${lr / 10}`];
	if (config.data.scale === 'none') hints.push('features may be unscaled: set `data.scale: standardize`');
	if (!config.training.gradientClipping) hints.push('gradients may explode: set `training.gradientClipping.clipNorm: 1`');
	return {
		status: 'nonFinite',
		message: `the loss became NaN/Infinity in epoch ${epoch + 1}; training stopped. Likely causes: ${hints.join('; ')}.`,
	};
}
