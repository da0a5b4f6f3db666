//! The network: BERT (XLM-RoBERTa sizes) over candle tensors on the CPU, built from a parsed
//! E5S1 file in one of three precisions. All run the same forward; they differ only in how the
//! weights are held, so the tolerance between them measures quantisation alone.

use candle_core::quantized::{GgmlDType, QMatMul, ggml_file::qtensor_from_ggml};
use candle_core::{D, Device, Module, Tensor};
use candle_nn::LayerNorm;

use crate::format::{Config, Layout, Q4_BLOCK, Q4_BLOCK_BYTES, TensorType};
use crate::int8::{Int8Matrix, QuantizedRows};

/// How the weights are held in memory and multiplied. Every variant computes from the same
/// 4-bit weights; they differ in memory and speed (`cargo bench -p tribune-encoder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Every weight dequantised from the file's Q4_0 to f32 (about 470 MB): the reference.
    F32,
    /// The word-embedding matrix (96 M of the 117.5 M weights) kept Q4_0, only the rows a
    /// comment uses dequantised; the transformer's matrices in f32 (about 140 MB of weights).
    /// The same numbers as `F32`; the fastest here, as f32 products use the CPU's widest
    /// vectors.
    Q4Embeddings,
    /// Every matrix kept Q4_0 as stored; the transformer's products quantise activations to
    /// 8 bits (Q4_0 × Q8_0 dot products): the least memory (about 70 MB of weights).
    Q4,
    /// The word-embedding matrix as in `Q4Embeddings`; the transformer's matrices as 8-bit
    /// integers with a scale per output row, activations quantised per token as they arrive
    /// (int8 × int8 sums, exact, then one f32 scale): the fastest where the CPU has AVX-512
    /// VNNI (`int8.rs`), about 60 MB of weights.
    Int8,
}

impl Precision {
    /// Every precision, the reference first.
    pub const ALL: [Self; 4] = [Self::F32, Self::Q4Embeddings, Self::Q4, Self::Int8];

    /// The fastest on this CPU, the default: `Int8` where the CPU has AVX-512 VNNI, else
    /// `Q4Embeddings` (int8 products without the kernel would be slower than f32 ones).
    pub fn preferred() -> Self {
        if crate::int8::kernel_available() {
            Self::Int8
        } else {
            Self::Q4Embeddings
        }
    }

    fn keeps_word_embeddings_quantized(self) -> bool {
        self != Self::F32
    }

    fn keeps_transformer_quantized(self) -> bool {
        self == Self::Q4
    }
}

/// A layer's input as the products read it: quantised once, on first use by an int8 product,
/// however many products read it.
struct Input<'a> {
    tensor: &'a Tensor,
    quantized: std::cell::OnceCell<QuantizedRows>,
}

impl<'a> Input<'a> {
    fn new(tensor: &'a Tensor) -> Self {
        Self {
            tensor,
            quantized: std::cell::OnceCell::new(),
        }
    }

    fn quantized(&self) -> candle_core::Result<&QuantizedRows> {
        if let Some(rows) = self.quantized.get() {
            return Ok(rows);
        }
        let width = self.tensor.dim(1)?;
        let values = self.tensor.flatten_all()?.to_vec1::<f32>()?;
        Ok(self
            .quantized
            .get_or_init(|| QuantizedRows::new(&values, width)))
    }
}

/// A matrix product with bias, `x · Wᵀ + b`, its weight held as the precision wants it.
enum Linear {
    /// `Wᵀ`, `[in, out]` and contiguous: gemm packs a row-major right-hand side with
    /// contiguous reads, where packing the transposed view of `W` gathered with a stride
    /// (a fifth of a comment's time went there).
    Transposed { weight: Tensor, bias: Tensor },
    /// Q4_0 as stored (`Precision::Q4`).
    Quantized { weight: QMatMul, bias: Tensor },
    /// 8-bit integers, the bias in the product's epilogue (`Precision::Int8`).
    Int8(Int8Matrix),
}

impl Linear {
    fn forward(&self, x: &Input) -> candle_core::Result<Tensor> {
        match self {
            Self::Transposed { weight, bias } => x.tensor.matmul(weight)?.broadcast_add(bias),
            Self::Quantized { weight, bias } => weight.forward(x.tensor)?.broadcast_add(bias),
            Self::Int8(matrix) => {
                let rows = x.tensor.dim(0)?;
                let values = matrix.forward(x.quantized()?);
                Tensor::from_vec(values, (rows, matrix.outputs()), x.tensor.device())
            }
        }
    }
}

/// GELU as the model was trained with it, `x · Φ(x)`, with erf from Abramowitz & Stegun
/// 7.1.28 (`1 − 1 / (1 + a₁x + … + a₆x⁶)¹⁶`, absolute error under 3e-7): arithmetic alone,
/// no `exp` or `erf` call, so that a loop of it is vectorised (libm's `erff`, then a table
/// read, took a fifth of a comment's time).
#[inline(always)]
fn gelu(x: f32) -> f32 {
    const A: [f32; 6] = [
        0.070_523_08,
        0.042_282_01,
        0.009_270_527,
        0.000_152_014_3,
        0.000_276_567_2,
        0.000_043_063_8,
    ];
    let z = (x * std::f32::consts::FRAC_1_SQRT_2).abs();
    let p = 1.0 + z * (A[0] + z * (A[1] + z * (A[2] + z * (A[3] + z * (A[4] + z * A[5])))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    let erf = (1.0 - 1.0 / (p8 * p8)).copysign(x);
    0.5 * x * (1.0 + erf)
}

/// GELU over every value, sixteen at a time where the CPU has AVX-512 (the same operations
/// in the same order, so the same bits).
fn gelu_in_place(values: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512 F.
        unsafe { gelu_in_place_avx512(values) };
        return;
    }
    values.iter_mut().for_each(|v| *v = gelu(*v));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn gelu_in_place_avx512(values: &mut [f32]) {
    values.iter_mut().for_each(|v| *v = gelu(*v));
}

fn gelu_tensor(x: &Tensor) -> candle_core::Result<Tensor> {
    let mut values = x.flatten_all()?.to_vec1::<f32>()?;
    gelu_in_place(&mut values);
    Tensor::from_vec(values, x.shape(), x.device())
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

pub struct Bert {
    config: Config,
    /// `[vocabulary, hidden]`; `QMatMul::embedding` dequantises only the rows asked for.
    word: QMatMul,
    position: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    device: Device,
}

impl Bert {
    /// Builds the network from a file `parse` validated; with `kept` (ascending ids below the
    /// vocabulary), only those word-embedding rows, row `i` of the matrix being `kept[i]`.
    pub fn load(
        file: &[u8],
        layout: &Layout,
        precision: Precision,
        kept: Option<&[u32]>,
    ) -> candle_core::Result<Self> {
        let config = layout.config;
        let device = Device::Cpu;
        let weights = Weights {
            file,
            layout,
            device: &device,
        };
        let (h, ff) = (config.hidden, config.feed_forward);
        let layers = (0..config.layers)
            .map(|l| {
                let quantized = precision.keeps_transformer_quantized();
                let linear = |name: &str, rows, cols| -> candle_core::Result<Linear> {
                    let bias = weights.vector(&format!("l{l}.{name}.b"))?;
                    let weight =
                        weights.matrix(&format!("l{l}.{name}.w"), rows, cols, quantized)?;
                    Ok(match weight {
                        QMatMul::Tensor(w) if precision == Precision::Int8 => {
                            let values = w.flatten_all()?.to_vec1::<f32>()?;
                            Linear::Int8(
                                Int8Matrix::new(&values, rows, cols, bias.to_vec1::<f32>()?)
                                    .map_err(|e| {
                                        candle_core::Error::Msg(format!("l{l}.{name}.w: {e}"))
                                    })?,
                            )
                        }
                        QMatMul::Tensor(w) => Linear::Transposed {
                            weight: w.t()?.contiguous()?,
                            bias,
                        },
                        weight => Linear::Quantized { weight, bias },
                    })
                };
                Ok(Layer {
                    query: linear("q", h, h)?,
                    key: linear("k", h, h)?,
                    value: linear("v", h, h)?,
                    attention_out: linear("ao", h, h)?,
                    attention_norm: weights.layer_norm(&format!("l{l}.aln"))?,
                    intermediate: linear("fi", ff, h)?,
                    output: linear("fo", h, ff)?,
                    output_norm: weights.layer_norm(&format!("l{l}.oln"))?,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            config,
            word: weights.rows(
                "emb.word",
                h,
                kept,
                precision.keeps_word_embeddings_quantized(),
            )?,
            position: weights
                .vector("emb.pos")?
                .reshape((config.max_positions, h))?,
            // Only token type 0 is ever used: a comment is one segment.
            token_type: weights.vector("emb.type")?.narrow(0, 0, h)?,
            embedding_norm: weights.layer_norm("emb.ln")?,
            layers,
            device,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The mean-pooled, L2-normalised last hidden state of each token sequence, given as
    /// rows of the word-embedding matrix held (each at least 1 and at most the position count
    /// long, every row held: the caller checks). The sequences are read together: their
    /// tokens stacked into one matrix for every product, attention and pooling within each
    /// sequence alone, so no padding is computed and short comments share the products'
    /// fixed costs.
    pub fn embed_batch(&self, sequences: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        if sequences.is_empty() {
            return Ok(Vec::new());
        }
        let mut spans = Vec::with_capacity(sequences.len());
        let mut positions = Vec::with_capacity(sequences.len());
        let mut start = 0;
        for rows in sequences {
            spans.push((start, rows.len()));
            positions.push(self.position.narrow(0, 0, rows.len())?);
            start += rows.len();
        }
        let rows: Vec<u32> = sequences.concat();
        let rows = Tensor::from_vec(rows, start, &self.device)?;
        let words = self.word.embedding(&rows)?;
        let summed = (words + Tensor::cat(&positions, 0)?)?.broadcast_add(&self.token_type)?;
        let mut x = self.embedding_norm.forward(&summed)?;
        for layer in &self.layers {
            x = layer.forward(&x, &spans, self.config.heads)?;
        }
        spans
            .iter()
            .map(|&(start, len)| {
                let mean = x.narrow(0, start, len)?.mean(0)?;
                let norm = mean.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?;
                mean.broadcast_div(&norm)?.to_vec1::<f32>()
            })
            .collect()
    }
}

impl Layer {
    /// One layer over stacked sequences, `spans` their (first row, length).
    fn forward(
        &self,
        x: &Tensor,
        spans: &[(usize, usize)],
        heads: usize,
    ) -> candle_core::Result<Tensor> {
        let hidden = x.dim(1)?;
        let head_width = hidden / heads;
        let input = Input::new(x);
        let query = self.query.forward(&input)?;
        let key = self.key.forward(&input)?;
        let value = self.value.forward(&input)?;
        let scale = 1.0 / (head_width as f64).sqrt();
        let contexts = spans
            .iter()
            .map(|&(start, tokens)| {
                let split_heads = |y: &Tensor| {
                    y.narrow(0, start, tokens)?
                        .reshape((tokens, heads, head_width))?
                        .transpose(0, 1)?
                        .contiguous()
                };
                let scores = (split_heads(&query)?.matmul(&split_heads(&key)?.t()?)? * scale)?;
                let attention = candle_nn::ops::softmax_last_dim(&scores)?;
                attention
                    .matmul(&split_heads(&value)?)?
                    .transpose(0, 1)?
                    .contiguous()?
                    .reshape((tokens, hidden))
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let context = Tensor::cat(&contexts, 0)?;
        let attended = self
            .attention_norm
            .forward(&(x + self.attention_out.forward(&Input::new(&context))?)?)?;
        let inner = gelu_tensor(&self.intermediate.forward(&Input::new(&attended))?)?;
        self.output_norm
            .forward(&(&attended + self.output.forward(&Input::new(&inner))?)?)
    }
}

/// Reads tensors out of the file bytes into candle.
struct Weights<'a> {
    file: &'a [u8],
    layout: &'a Layout,
    device: &'a Device,
}

impl Weights<'_> {
    fn vector(&self, name: &str) -> candle_core::Result<Tensor> {
        let entry = self.layout.tensor(name);
        debug_assert_eq!(entry.kind, TensorType::F32);
        let values: Vec<f32> = self.file[entry.bytes.clone()]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Tensor::from_vec(values, entry.values, self.device)
    }

    /// A `[rows, cols]` Q4_0 matrix, kept quantised or dequantised to f32.
    fn matrix(
        &self,
        name: &str,
        rows: usize,
        cols: usize,
        keep_quantized: bool,
    ) -> candle_core::Result<QMatMul> {
        let entry = self.layout.tensor(name);
        debug_assert_eq!(entry.kind, TensorType::Q4_0);
        self.quantized(&self.file[entry.bytes.clone()], rows, cols, keep_quantized)
    }

    fn quantized(
        &self,
        data: &[u8],
        rows: usize,
        cols: usize,
        keep_quantized: bool,
    ) -> candle_core::Result<QMatMul> {
        // The file's Q4_0 block is ggml's: an fp16 scale, then byte j holding weight j in its
        // low nibble and weight j + 16 in its high one, value (q - 8) · scale.
        let quantized = qtensor_from_ggml(GgmlDType::Q4_0, data, vec![rows, cols], self.device)?;
        if keep_quantized {
            QMatMul::from_qtensor(quantized)
        } else {
            Ok(QMatMul::Tensor(quantized.dequantize(self.device)?))
        }
    }

    /// The rows `kept` of a `[vocabulary, cols]` Q4_0 matrix (all of them without `kept`),
    /// copied block by block so that quantised rows stay quantised.
    fn rows(
        &self,
        name: &str,
        cols: usize,
        kept: Option<&[u32]>,
        keep_quantized: bool,
    ) -> candle_core::Result<QMatMul> {
        let entry = self.layout.tensor(name);
        let rows = entry.values / cols;
        let Some(kept) = kept else {
            return self.matrix(name, rows, cols, keep_quantized);
        };
        let row_bytes = cols / Q4_BLOCK * Q4_BLOCK_BYTES;
        let all = &self.file[entry.bytes.clone()];
        // In `u16`s, so that the blocks (an fp16 scale first, 18 bytes each) are aligned for
        // candle to read in place, as the file's are.
        let mut words = vec![0u16; kept.len() * row_bytes / 2];
        let data = bytemuck::cast_slice_mut::<u16, u8>(&mut words);
        for (out, &id) in data.chunks_exact_mut(row_bytes).zip(kept) {
            let start = id as usize * row_bytes;
            let row = all.get(start..start + row_bytes).ok_or_else(|| {
                candle_core::Error::Msg(format!("{name} has no row {id} of {rows}"))
            })?;
            out.copy_from_slice(row);
        }
        self.quantized(data, kept.len(), cols, keep_quantized)
    }

    fn layer_norm(&self, prefix: &str) -> candle_core::Result<LayerNorm> {
        Ok(LayerNorm::new(
            self.vector(&format!("{prefix}.w"))?,
            self.vector(&format!("{prefix}.b"))?,
            self.layout.config.layer_norm_eps,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_matches_the_exact_erf_one_on_every_path() {
        let xs: Vec<f32> = (-100_000..=100_000).map(|i| i as f32 / 10_000.0).collect();
        let worst = xs
            .iter()
            .map(|&x| {
                let exact = 0.5
                    * f64::from(x)
                    * (1.0
                        + candle_core::cpu::erf::erf_f64(f64::from(x) / std::f64::consts::SQRT_2));
                (f64::from(gelu(x)) - exact).abs()
            })
            .fold(0.0f64, f64::max);
        assert!(worst < 1e-6, "largest difference {worst}");
        let mut vectorised = xs.clone();
        gelu_in_place(&mut vectorised);
        let one_by_one: Vec<u32> = xs.iter().map(|&x| gelu(x).to_bits()).collect();
        assert_eq!(
            vectorised.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            one_by_one
        );
        assert_eq!(gelu(0.0), 0.0);
        assert_eq!(gelu(-20.0), 0.0);
        assert_eq!(gelu(20.0), 20.0);
        assert_eq!(gelu(f32::INFINITY), f32::INFINITY);
    }
}
