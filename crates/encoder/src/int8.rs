//! Int8 matrix products for the transformer (`Precision::Int8`): `x · Wᵀ + b` with `W` held
//! as 8-bit integers, one scale per output row, and `x` quantised per token row as it arrives.
//!
//! The integer sums are exact, so the AVX-512 VNNI kernel (`vpdpbusd`: 64 byte products per
//! instruction, four times the f32 multiply-adds this CPU does in one) and the portable loop
//! give the same bits, and an embedding does not depend on the machine that computed it. The
//! f32 epilogue is the same operations in the same order on both paths (no fused multiply-add).
//!
//! `vpdpbusd` multiplies unsigned by signed bytes, so activations are stored as `q + 128`
//! (`q` in -127..=127) and `128 · Σ_k w[n][k]`, kept per row, is taken off each sum.

/// Columns of `W` (output values) packed together: one 512-bit register of 32-bit sums.
const LANES: usize = 16;
/// Inputs each byte product group covers: four bytes per 32-bit lane.
const GROUP: usize = 4;
/// Token rows one kernel call keeps in registers.
const ROWS_PER_TILE: usize = 4;
/// Packed column blocks one kernel call keeps in registers (4 × 4 sums: 16 of 32 registers).
const BLOCKS_PER_TILE: usize = 4;
/// The bias added to each quantised activation so that it is an unsigned byte.
const ACTIVATION_OFFSET: i32 = 128;

/// Whether this CPU runs the VNNI kernel. The portable loop gives the same bits, but about
/// 170 times slower (a 40 × 384 × 1536 product: 19.7 ms against 0.12 ms here), far slower
/// than f32 products: without the kernel, int8 is not worth choosing.
pub fn kernel_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    return vnni::available();
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// `W` `[outputs, inputs]` as 8-bit integers, packed for the kernel.
pub struct Int8Matrix {
    outputs: usize,
    inputs: usize,
    /// `[outputs / 16][inputs / 4][16][4]`: for each block of 16 outputs and each group of
    /// 4 inputs, the 4 weights of output 0, then of output 1, ….
    packed: Vec<i8>,
    /// Per output: the f32 weight is `q · scale`.
    scales: Vec<f32>,
    /// Per output: `128 · Σ_k q[k]`, what the activations' offset adds to its sum.
    offset_sums: Vec<i32>,
    bias: Vec<f32>,
}

/// Token rows quantised for the products: `x ≈ (byte − 128) · scale`, one scale per row.
pub struct QuantizedRows {
    rows: usize,
    width: usize,
    bytes: Vec<u8>,
    scales: Vec<f32>,
}

impl QuantizedRows {
    /// Quantises `rows × width` f32 values (row-major) symmetrically: each row's largest
    /// magnitude becomes ±127, every value rounded to the nearest step (ties to even).
    pub fn new(values: &[f32], width: usize) -> Self {
        debug_assert_eq!(values.len() % width.max(1), 0);
        let rows = values.len().checked_div(width).unwrap_or(0);
        let mut bytes = vec![0u8; rows * width];
        let mut scales = Vec::with_capacity(rows);
        for (row, out) in values
            .chunks_exact(width)
            .zip(bytes.chunks_exact_mut(width))
        {
            #[cfg(target_arch = "x86_64")]
            if vnni::available() {
                // SAFETY: the CPU has the features the kernel is compiled for.
                scales.push(unsafe { vnni::quantize_row(row, out) });
                continue;
            }
            scales.push(quantize_row_portable(row, out));
        }
        Self {
            rows,
            width,
            bytes,
            scales,
        }
    }
}

/// The largest magnitude in `row`: exact in any order, so the VNNI path may find it sixteen
/// values at a time.
fn largest_magnitude(row: &[f32]) -> f32 {
    row.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// A row's scale: its largest magnitude is 127 steps.
fn row_scale(largest: f32) -> f32 {
    if largest > 0.0 { largest / 127.0 } else { 1.0 }
}

/// One activation as its offset byte.
fn quantize_value(value: f32, inverse: f32) -> u8 {
    ((value * inverse).round_ties_even().clamp(-127.0, 127.0) as i32 + ACTIVATION_OFFSET) as u8
}

/// Quantises `row` into `out`, returning its scale: what the VNNI path computes, one value at
/// a time.
fn quantize_row_portable(row: &[f32], out: &mut [u8]) -> f32 {
    let scale = row_scale(largest_magnitude(row));
    let inverse = 1.0 / scale;
    for (byte, &value) in out.iter_mut().zip(row) {
        *byte = quantize_value(value, inverse);
    }
    scale
}

/// Why a matrix cannot be held as int8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub outputs: usize,
    pub inputs: usize,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an int8 matrix needs outputs in multiples of {LANES} and inputs in multiples of \
             {GROUP}; this one is {} × {}",
            self.outputs, self.inputs
        )
    }
}

impl Int8Matrix {
    /// Quantises `weights` (`[outputs, inputs]`, row-major f32) per output row, each row's
    /// largest magnitude becoming ±127.
    pub fn new(
        weights: &[f32],
        outputs: usize,
        inputs: usize,
        bias: Vec<f32>,
    ) -> Result<Self, ShapeError> {
        if !outputs.is_multiple_of(LANES)
            || !inputs.is_multiple_of(GROUP)
            || weights.len() != outputs * inputs
            || bias.len() != outputs
        {
            return Err(ShapeError { outputs, inputs });
        }
        let mut quantized = vec![0i8; outputs * inputs];
        let mut scales = Vec::with_capacity(outputs);
        let mut offset_sums = Vec::with_capacity(outputs);
        for (row, out) in weights
            .chunks_exact(inputs)
            .zip(quantized.chunks_exact_mut(inputs))
        {
            let scale = row_scale(largest_magnitude(row));
            let mut sum = 0i32;
            for (q, w) in out.iter_mut().zip(row) {
                *q = (w / scale).round().clamp(-127.0, 127.0) as i8;
                sum += i32::from(*q);
            }
            scales.push(scale);
            offset_sums.push(ACTIVATION_OFFSET * sum);
        }
        let mut packed = Vec::with_capacity(outputs * inputs);
        for block in 0..outputs / LANES {
            for group in 0..inputs / GROUP {
                for lane in 0..LANES {
                    let start = (block * LANES + lane) * inputs + group * GROUP;
                    packed.extend_from_slice(&quantized[start..start + GROUP]);
                }
            }
        }
        Ok(Self {
            outputs,
            inputs,
            packed,
            scales,
            offset_sums,
            bias,
        })
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// `x · Wᵀ + b` for every row of `x` (`[rows, inputs]`), `[rows, outputs]` row-major.
    pub fn forward(&self, x: &QuantizedRows) -> Vec<f32> {
        assert_eq!(
            x.width, self.inputs,
            "activation width against matrix inputs"
        );
        let mut out = vec![0.0f32; x.rows * self.outputs];
        #[cfg(target_arch = "x86_64")]
        if vnni::available() {
            // SAFETY: the CPU has the features the kernel is compiled for.
            unsafe { vnni::forward(self, x, &mut out) };
            return out;
        }
        self.forward_portable(x, &mut out);
        out
    }

    /// The same sums and epilogue as the VNNI kernel, one value at a time.
    fn forward_portable(&self, x: &QuantizedRows, out: &mut [f32]) {
        let groups = self.inputs / GROUP;
        for (row, (a, out_row)) in x
            .bytes
            .chunks_exact(self.inputs)
            .zip(out.chunks_exact_mut(self.outputs))
            .enumerate()
        {
            for (n, value) in out_row.iter_mut().enumerate() {
                let (block, lane) = (n / LANES, n % LANES);
                let mut sum = 0i32;
                for group in 0..groups {
                    let at = ((block * groups + group) * LANES + lane) * GROUP;
                    let weights = &self.packed[at..at + GROUP];
                    for (&w, &b) in weights.iter().zip(&a[group * GROUP..group * GROUP + GROUP]) {
                        sum += i32::from(w) * i32::from(b);
                    }
                }
                *value = self.epilogue(sum, x.scales[row], n);
            }
        }
    }

    fn epilogue(&self, sum: i32, row_scale: f32, n: usize) -> f32 {
        (sum - self.offset_sums[n]) as f32 * (row_scale * self.scales[n]) + self.bias[n]
    }
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    use std::arch::x86_64::*;

    use super::{
        ACTIVATION_OFFSET, BLOCKS_PER_TILE, GROUP, Int8Matrix, LANES, QuantizedRows, ROWS_PER_TILE,
        largest_magnitude, quantize_value, row_scale,
    };

    pub fn available() -> bool {
        is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512vnni")
    }

    /// `quantize_row_portable` sixteen values at a time: the largest magnitude is exact in
    /// any order, and `vcvtps2dq` rounds ties to even as `round_ties_even` does.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn quantize_row(row: &[f32], out: &mut [u8]) -> f32 {
        let (body, tail) = row.split_at(row.len() / LANES * LANES);
        let mut largest = _mm512_setzero_ps();
        for chunk in body.chunks_exact(LANES) {
            // SAFETY: sixteen values.
            let v = unsafe { _mm512_loadu_ps(chunk.as_ptr()) };
            largest = _mm512_max_ps(largest, _mm512_abs_ps(v));
        }
        let largest = _mm512_reduce_max_ps(largest).max(largest_magnitude(tail));
        let scale = row_scale(largest);
        let inverse = 1.0 / scale;
        let (low, high) = (_mm512_set1_epi32(-127), _mm512_set1_epi32(127));
        let offset = _mm512_set1_epi32(ACTIVATION_OFFSET);
        let factor = _mm512_set1_ps(inverse);
        let (out_body, out_tail) = out.split_at_mut(body.len());
        for (chunk, bytes) in body
            .chunks_exact(LANES)
            .zip(out_body.chunks_exact_mut(LANES))
        {
            // SAFETY: sixteen values in, sixteen bytes out.
            unsafe {
                let steps =
                    _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(chunk.as_ptr()), factor));
                let clamped = _mm512_min_epi32(_mm512_max_epi32(steps, low), high);
                let packed = _mm512_cvtepi32_epi8(_mm512_add_epi32(clamped, offset));
                _mm_storeu_si128(bytes.as_mut_ptr() as *mut __m128i, packed);
            }
        }
        for (byte, &value) in out_tail.iter_mut().zip(tail) {
            *byte = quantize_value(value, inverse);
        }
        scale
    }

    /// Tiles of up to 4 rows × 4 column blocks, rows innermost so that a panel of packed
    /// weights stays in cache while every row tile reads it.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn forward(matrix: &Int8Matrix, x: &QuantizedRows, out: &mut [f32]) {
        let blocks = matrix.outputs / LANES;
        let mut block = 0;
        while block < blocks {
            let width = (blocks - block).min(BLOCKS_PER_TILE);
            let mut row = 0;
            while row < x.rows {
                let height = (x.rows - row).min(ROWS_PER_TILE);
                // SAFETY: the tile lies inside `x`, the packed weights and `out`.
                unsafe {
                    match (height, width) {
                        (4, 4) => tile::<4, 4>(matrix, x, out, row, block),
                        (3, 4) => tile::<3, 4>(matrix, x, out, row, block),
                        (2, 4) => tile::<2, 4>(matrix, x, out, row, block),
                        (1, 4) => tile::<1, 4>(matrix, x, out, row, block),
                        (4, _) => tile::<4, 1>(matrix, x, out, row, block),
                        (3, _) => tile::<3, 1>(matrix, x, out, row, block),
                        (2, _) => tile::<2, 1>(matrix, x, out, row, block),
                        _ => tile::<1, 1>(matrix, x, out, row, block),
                    }
                }
                row += height;
            }
            // A narrower tile covers one block; the next call takes the rest.
            block += if width == BLOCKS_PER_TILE { width } else { 1 };
        }
    }

    /// `R` rows from `row` × `B` blocks of 16 outputs from `block`.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn tile<const R: usize, const B: usize>(
        matrix: &Int8Matrix,
        x: &QuantizedRows,
        out: &mut [f32],
        row: usize,
        block: usize,
    ) {
        let inputs = matrix.inputs;
        let groups = inputs / GROUP;
        let block_bytes = groups * LANES * GROUP;
        let mut sums = [[_mm512_setzero_si512(); B]; R];
        let weights = matrix.packed.as_ptr();
        let activations = x.bytes.as_ptr();
        for group in 0..groups {
            let mut w = [_mm512_setzero_si512(); B];
            for (b, w) in w.iter_mut().enumerate() {
                // SAFETY: block + b < outputs / 16 and group < groups: inside `packed`.
                *w = unsafe {
                    _mm512_loadu_si512(
                        weights.add((block + b) * block_bytes + group * LANES * GROUP)
                            as *const __m512i,
                    )
                };
            }
            for (r, sums) in sums.iter_mut().enumerate() {
                // SAFETY: row + r < rows and group · 4 + 4 <= inputs: inside `bytes`.
                let four = unsafe {
                    (activations.add((row + r) * inputs + group * GROUP) as *const i32)
                        .read_unaligned()
                };
                let a = _mm512_set1_epi32(four);
                for (sum, &w) in sums.iter_mut().zip(&w) {
                    *sum = _mm512_dpbusd_epi32(*sum, a, w);
                }
            }
        }
        for (r, sums) in sums.iter().enumerate() {
            let row_scale = _mm512_set1_ps(x.scales[row + r]);
            for (b, &sum) in sums.iter().enumerate() {
                let n = (block + b) * LANES;
                // SAFETY: n + 16 <= outputs, and the output row is inside `out`.
                unsafe {
                    let offsets =
                        _mm512_loadu_si512(matrix.offset_sums.as_ptr().add(n) as *const __m512i);
                    let scales = _mm512_loadu_ps(matrix.scales.as_ptr().add(n));
                    let bias = _mm512_loadu_ps(matrix.bias.as_ptr().add(n));
                    let exact = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum, offsets));
                    let value =
                        _mm512_add_ps(_mm512_mul_ps(exact, _mm512_mul_ps(row_scale, scales)), bias);
                    _mm512_storeu_ps(out.as_mut_ptr().add((row + r) * matrix.outputs + n), value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in about [-1, 1], a few much larger (as BERT's activations have).
    fn values(count: usize, seed: u64) -> Vec<f32> {
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..count)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let unit = (state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0;
                if i % 97 == 3 { unit * 20.0 } else { unit }
            })
            .collect()
    }

    fn plain_product(x: &[f32], w: &[f32], bias: &[f32], inputs: usize) -> Vec<f32> {
        let mut out = Vec::new();
        for row in x.chunks_exact(inputs) {
            for (wrow, b) in w.chunks_exact(inputs).zip(bias) {
                out.push(row.iter().zip(wrow).map(|(a, b)| a * b).sum::<f32>() + b);
            }
        }
        out
    }

    #[test]
    fn every_tile_shape_gives_the_portable_loops_bits_and_the_f32_products_values() {
        #[cfg(target_arch = "x86_64")]
        if !vnni::available() {
            tribune_test_support::skip(
                "the VNNI kernel: this CPU has no AVX-512 VNNI, only the portable path runs",
            );
        }
        for (rows, outputs, inputs) in [
            (1, 16, 4),
            (3, 16, 36),
            (4, 64, 32),
            (5, 80, 64),
            (9, 112, 128),
            (40, 384, 384),
            (7, 48, 1536),
        ] {
            let x = values(rows * inputs, rows as u64);
            let w = values(outputs * inputs, outputs as u64 + 7);
            let bias = values(outputs, 3);
            let matrix = Int8Matrix::new(&w, outputs, inputs, bias.clone()).expect("a shape");
            let quantized = QuantizedRows::new(&x, inputs);
            let mut portable_bytes = vec![0; rows * inputs];
            for (r, (row, out)) in x
                .chunks_exact(inputs)
                .zip(portable_bytes.chunks_exact_mut(inputs))
                .enumerate()
            {
                assert_eq!(quantize_row_portable(row, out), quantized.scales[r]);
            }
            assert_eq!(
                portable_bytes, quantized.bytes,
                "{rows} × {inputs} quantised"
            );
            let fast = matrix.forward(&quantized);
            let mut portable = vec![0.0; rows * outputs];
            matrix.forward_portable(&quantized, &mut portable);
            assert_eq!(
                fast.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                portable.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "{rows} × {outputs} × {inputs}"
            );
            // Within what rounding each factor to its row's step allows:
            // |x̂ŵ − xw| ≤ |x̂ − x|·|ŵ| + |x|·|ŵ − w|, each rounding at most half a step.
            let step = |row: &[f32]| largest_magnitude(row) / 127.0;
            let exact = plain_product(&x, &w, &bias, inputs);
            for (i, (&q, &e)) in fast.iter().zip(&exact).enumerate() {
                let (xrow, wrow) = (i / outputs, i % outputs);
                let xs = &x[xrow * inputs..][..inputs];
                let ws = &w[wrow * inputs..][..inputs];
                let (x_step, w_step) = (step(xs), step(ws));
                let bound: f32 = xs
                    .iter()
                    .zip(ws)
                    .map(|(a, b)| x_step / 2.0 * (b.abs() + w_step / 2.0) + a.abs() * w_step / 2.0)
                    .sum();
                assert!(
                    (q - e).abs() <= bound * 1.001 + 1e-4,
                    "value {i} of {rows} × {outputs} × {inputs}: {q} against {e}, bound {bound}"
                );
            }
        }
    }

    #[test]
    fn activations_round_to_the_nearest_step_ties_to_even_on_both_paths() {
        // The largest magnitude is 127, so a step is 1.
        let mut row = vec![0.0f32; 32];
        row[..8].copy_from_slice(&[127.0, 0.5, 1.5, 2.5, -0.5, -1.5, 126.49, -127.0]);
        row[20] = 3.5;
        let quantized = QuantizedRows::new(&row, 32);
        let mut portable = vec![0; 32];
        assert_eq!(quantize_row_portable(&row, &mut portable), 1.0);
        assert_eq!(quantized.scales, [1.0]);
        assert_eq!(quantized.bytes, portable);
        let steps: Vec<i32> = portable.iter().map(|&b| i32::from(b) - 128).collect();
        assert_eq!(&steps[..8], &[127, 0, 2, 2, 0, -2, 126, -127]);
        assert_eq!(steps[20], 4);
    }

    #[test]
    fn a_shape_the_kernel_cannot_pack_is_refused_by_name() {
        let error = Int8Matrix::new(&[0.0; 20 * 4], 20, 4, vec![0.0; 20])
            .err()
            .expect("20 outputs");
        assert_eq!(
            error,
            ShapeError {
                outputs: 20,
                inputs: 4
            }
        );
        assert!(error.to_string().contains("20 × 4"));
        assert!(Int8Matrix::new(&[0.0; 16 * 6], 16, 6, vec![0.0; 16]).is_err());
    }

    #[test]
    fn zero_rows_and_zero_weights_quantise_without_dividing_by_zero() {
        let matrix = Int8Matrix::new(&[0.0; 16 * 8], 16, 8, vec![1.5; 16]).expect("a shape");
        let out = matrix.forward(&QuantizedRows::new(&[0.0; 2 * 8], 8));
        assert_eq!(out, vec![1.5; 32]);
    }
}
