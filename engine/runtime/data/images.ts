/**
 * Images in pure JS (pngjs, jpeg-js: no native code, so the VSIX stays portable): decoding,
 * bilinear resizing into a Float32Array in [0, 1], and PNG encoding of model inputs (evaluation
 * thumbnails, the shapes generator).
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { LocalizedError } from '../messages';

/** Decoded pixels, RGBA, 8 bits per channel. */
export interface Rgba {
	width: number;
	height: number;
	data: Uint8Array;
}

/**
 * Larger images are refused before their pixels are allocated. pngjs holds the inflated
 * scanlines and the RGBA copy at once: 8-bit RGBA costs w·h·(4 + 4) bytes (200 MB at 25 MP),
 * 16-bit RGBA w·h·(8 + 4); 256 MB is the most one image of a training folder may take.
 */
export const MAX_MEGAPIXELS = 25;
const MAX_DECODE_BYTES = 256 * 1024 * 1024;
/** Bytes per pixel of inflated PNG scanlines by colour type (IHDR byte 25), at 8 bits per sample. */
const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** An image over the decoder's megapixel limit (serve tells a request's budget by this class, not by the text). */
export class ImageTooLargeError extends LocalizedError {}

/**
 * Decodes a PNG or JPEG by its bytes (not its name); throws a LocalizedError whose message says why not.
 * `maxMegapixels` may only lower the limit (a server takes smaller images than a training folder).
 */
export function decodeImage(bytes: Buffer, maxMegapixels = MAX_MEGAPIXELS): Rgba {
	const mp = Math.min(maxMegapixels, MAX_MEGAPIXELS);
	if (isPng(bytes)) {
		// The header gives the size before any pixel is inflated.
		if (bytes.length >= 24) {
			const w = bytes.readUInt32BE(16);
			const h = bytes.readUInt32BE(20);
			if (w * h > mp * 1e6) throw new ImageTooLargeError('image.tooLarge', { w, h, mp });
			if (bytes.length >= 26) {
				const depth = bytes[24]!;
				const scanline = (w * h * (PNG_SAMPLES[bytes[25]!] ?? 4) * Math.max(depth, 8)) / 8;
				if (scanline + w * h * 4 > MAX_DECODE_BYTES)
					throw new LocalizedError('image.tooMuchMemory', { w, h, depth, mb: MAX_DECODE_BYTES >> 20 });
			}
		}
		let png: PNG;
		try {
			png = PNG.sync.read(bytes);
		} catch (err) {
			throw new LocalizedError('image.badPng', { error: err instanceof Error ? err.message : String(err) });
		}
		return { width: png.width, height: png.height, data: png.data };
	}
	if (isJpeg(bytes)) {
		try {
			const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: mp, maxMemoryUsageInMB: 1024 });
			return { width: j.width, height: j.height, data: j.data };
		} catch (err) {
			const error = err instanceof Error ? err.message : String(err);
			// jpeg-js refuses by its own limit with "maxResolutionInMP limit exceeded by …".
			if (/maxResolutionInMP/.test(error)) throw new ImageTooLargeError('image.badJpeg', { error });
			throw new LocalizedError('image.badJpeg', { error });
		}
	}
	throw new LocalizedError(bytes.length === 0 ? 'image.empty' : 'image.unknown');
}

/**
 * Resizes `src` to h × w with bilinear interpolation (half-pixel centres, as
 * tf.image.resizeBilinear with halfPixelCenters) and writes it at `out[offset…]` as h·w·channels
 * floats in [0, 1], row-major, channels last. channels 1: luminance 0.299R + 0.587G + 0.114B; 3:
 * RGB. Alpha is dropped.
 */
export function resizeInto(src: Rgba, h: number, w: number, channels: 1 | 3, out: Float32Array, offset: number): void {
	const { width: sw, height: sh, data } = src;
	if (sw === 0 || sh === 0) throw new LocalizedError('image.noPixels');
	const xs = new Int32Array(2 * w);
	const fx = new Float32Array(w);
	for (let x = 0; x < w; x++) {
		const s = Math.min(Math.max(((x + 0.5) * sw) / w - 0.5, 0), sw - 1);
		const x0 = Math.floor(s);
		xs[2 * x] = x0 * 4;
		xs[2 * x + 1] = Math.min(x0 + 1, sw - 1) * 4;
		fx[x] = s - x0;
	}
	const k = 1 / 255;
	let o = offset;
	for (let y = 0; y < h; y++) {
		const s = Math.min(Math.max(((y + 0.5) * sh) / h - 0.5, 0), sh - 1);
		const y0 = Math.floor(s);
		const fy = s - y0;
		const r0 = y0 * sw * 4;
		const r1 = Math.min(y0 + 1, sh - 1) * sw * 4;
		for (let x = 0; x < w; x++) {
			const a = xs[2 * x]!;
			const b = xs[2 * x + 1]!;
			const tx = fx[x]!;
			const w00 = (1 - tx) * (1 - fy);
			const w01 = tx * (1 - fy);
			const w10 = (1 - tx) * fy;
			const w11 = tx * fy;
			const at = (c: number) => w00 * data[r0 + a + c]! + w01 * data[r0 + b + c]! + w10 * data[r1 + a + c]! + w11 * data[r1 + b + c]!;
			if (channels === 3) {
				out[o++] = at(0) * k;
				out[o++] = at(1) * k;
				out[o++] = at(2) * k;
			} else out[o++] = (0.299 * at(0) + 0.587 * at(1) + 0.114 * at(2)) * k;
		}
	}
}

/**
 * A PNG of one image held as h·w·channels floats in [0, 1] (clipped), scaled down to fit
 * `maxSide` pixels when larger: evaluation thumbnails and generated images.
 */
export function encodePng(pixels: Float32Array, h: number, w: number, channels: number, maxSide = Infinity): Buffer {
	const scale = Math.min(1, maxSide / Math.max(h, w));
	const th = Math.max(1, Math.round(h * scale));
	const tw = Math.max(1, Math.round(w * scale));
	let src = pixels;
	if (th !== h || tw !== w) {
		const rgba = new Uint8Array(h * w * 4);
		for (let i = 0; i < h * w; i++)
			for (let c = 0; c < 4; c++) rgba[i * 4 + c] = c === 3 ? 255 : byte(pixels[i * channels + (channels === 3 ? c : 0)]!);
		src = new Float32Array(th * tw * channels);
		resizeInto({ width: w, height: h, data: rgba }, th, tw, channels === 3 ? 3 : 1, src, 0);
	}
	// Other channel counts (a table reshaped to [h, w, c]) show their first channel.
	const type = channels === 3 ? 2 : 0;
	const stride = channels === 3 || src !== pixels ? 1 : channels;
	const png = new PNG({ width: tw, height: th });
	const buf = Buffer.alloc(th * tw * (channels === 3 ? 3 : 1));
	for (let i = 0; i < buf.length; i++) buf[i] = byte(src[i * stride]!);
	png.data = buf;
	return PNG.sync.write(png, { colorType: type, inputColorType: type, inputHasAlpha: false });
}

const byte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
