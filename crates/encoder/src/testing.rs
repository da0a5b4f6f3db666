//! For tests: a tiny E5S1 model with random weights and a tiny tokenizer, written to a folder,
//! and a plain forward (loops over dequantised weights) for the network to be checked against.

use std::path::Path;

use half::f16;
use serde_json::json;

use crate::format::{self, Config, Q4_BLOCK, Q4_BLOCK_BYTES, TensorType};

/// Pieces of the tiny tokenizer after the four special tokens.
const PIECES: &[&str] = &[
    "▁query",
    ":",
    "▁",
    "▁the",
    "▁bridge",
    "▁is",
    "▁open",
    "s",
    "e",
    "a",
    "o",
    "i",
    "n",
    "t",
    "r",
    "l",
    "d",
    "u",
    "b",
    "g",
    "p",
    "h",
    "c",
    "m",
    "k",
    "y",
    "w",
    "f",
    "v",
    "z",
    "x",
    "j",
    "q",
    ".",
    ",",
];

pub fn tiny_config() -> Config {
    Config {
        hidden: 64,
        layers: 2,
        heads: 4,
        feed_forward: 128,
        vocabulary: 4 + PIECES.len(),
        max_positions: 48,
        token_types: 2,
        layer_norm_eps: f64::from(1e-12f32),
    }
}

pub struct TinyTensor {
    pub name: String,
    pub kind: TensorType,
    pub values: usize,
    pub data: Vec<u8>,
}

/// A model file under construction: tests change its parts before writing it.
pub struct TinyModel {
    pub config: Config,
    pub version: u32,
    pub tensors: Vec<TinyTensor>,
}

impl TinyModel {
    pub fn random(config: Config, seed: u64) -> Self {
        let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let tensors = format::expected_tensors(&config)
            .into_iter()
            .map(|(name, kind, values)| {
                let data = match kind {
                    TensorType::Q4_0 => random.q4_blocks(values),
                    // Layer-norm weights near 1, everything else small.
                    TensorType::F32 if name.ends_with("ln.w") => random.f32s(values, 1.0, 0.1),
                    TensorType::F32 => random.f32s(values, 0.0, 0.1),
                };
                TinyTensor {
                    name,
                    kind,
                    values,
                    data,
                }
            })
            .collect();
        Self {
            config,
            version: 1,
            tensors,
        }
    }

    pub fn tensor_mut(&mut self, name: &str) -> &mut TinyTensor {
        self.tensors
            .iter_mut()
            .find(|t| t.name == name)
            .expect("the tiny model has every expected tensor")
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let c = &self.config;
        let mut out = b"E5S1".to_vec();
        out.extend(self.version.to_le_bytes());
        for value in [
            c.hidden,
            c.layers,
            c.heads,
            c.feed_forward,
            c.vocabulary,
            c.max_positions,
            c.token_types,
        ] {
            out.extend((value as i32).to_le_bytes());
        }
        out.extend((c.layer_norm_eps as f32).to_le_bytes());
        out.extend((Q4_BLOCK as i32).to_le_bytes());
        // The engine's vocabulary section, which this crate skips: two pieces, no normaliser.
        let blob = b"<s></s>";
        out.extend(2i32.to_le_bytes());
        for special in [0i32, 1, 1, 1] {
            out.extend(special.to_le_bytes());
        }
        out.extend((blob.len() as u64).to_le_bytes());
        for offset in [0u32, 3, 7] {
            out.extend(offset.to_le_bytes());
        }
        out.extend([0.0f32, 0.0].iter().flat_map(|s| s.to_le_bytes()));
        out.extend(blob);
        out.extend(0i32.to_le_bytes());
        out.extend(0u32.to_le_bytes());

        out.extend((self.tensors.len() as i32).to_le_bytes());
        let directory: usize = self.tensors.iter().map(|t| 23 + t.name.len()).sum();
        let mut offset = (out.len() + directory).next_multiple_of(32);
        let mut data = Vec::new();
        for tensor in &self.tensors {
            out.extend((tensor.name.len() as u16).to_le_bytes());
            out.extend(tensor.name.as_bytes());
            out.push(match tensor.kind {
                TensorType::F32 => 0,
                TensorType::Q4_0 => 1,
            });
            out.extend((tensor.values as u32).to_le_bytes());
            out.extend((offset as u64).to_le_bytes());
            out.extend((tensor.data.len() as u64).to_le_bytes());
            data.push((offset, &tensor.data));
            offset = (offset + tensor.data.len()).next_multiple_of(32);
        }
        for (at, bytes) in data {
            out.resize(at, 0);
            out.extend(bytes);
        }
        out
    }

    /// Writes the model file and the tiny tokenizer into `dir`.
    pub fn write_folder(&self, dir: &Path) {
        std::fs::write(dir.join(crate::MODEL_FILE), self.to_bytes()).expect("write model");
        std::fs::write(dir.join(crate::TOKENIZER_FILE), tiny_tokenizer_json())
            .expect("write tokenizer");
    }
}

/// A Unigram tokenizer shaped like the real one: Metaspace, `<s> … </s>` template.
pub fn tiny_tokenizer_json() -> String {
    let special = |id: u32, content: &str| {
        json!({"id": id, "content": content, "single_word": false, "lstrip": false,
               "rstrip": false, "normalized": false, "special": true})
    };
    let mut vocab = vec![
        json!(["<s>", 0.0]),
        json!(["<pad>", 0.0]),
        json!(["</s>", 0.0]),
        json!(["<unk>", 0.0]),
    ];
    vocab.extend(
        PIECES
            .iter()
            .enumerate()
            .map(|(i, piece)| json!([piece, -1.0 - i as f64 / 10.0])),
    );
    json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [special(0, "<s>"), special(1, "<pad>"), special(2, "</s>"), special(3, "<unk>")],
        "normalizer": null,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}
            }
        },
        "decoder": null,
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab}
    })
    .to_string()
}

/// The tiny tokenizer's pieces and scores, in id order.
pub fn tiny_vocabulary() -> Vec<(String, f64)> {
    let file: serde_json::Value =
        serde_json::from_str(&tiny_tokenizer_json()).expect("the tiny tokenizer is JSON");
    serde_json::from_value(file["model"]["vocab"].clone()).expect("pieces and scores")
}

/// The network written as plain loops over f32 weights dequantised by hand: the twin the
/// candle forward is checked against.
pub fn reference_embedding(file: &[u8], ids: &[u32]) -> Vec<f32> {
    let layout = format::parse(file).expect("a valid model");
    let c = layout.config;
    let (h, heads) = (c.hidden, c.heads);
    let width = h / heads;
    let get = |name: &str| -> Vec<f32> {
        let entry = layout.tensor(name);
        let bytes = &file[entry.bytes.clone()];
        match entry.kind {
            TensorType::F32 => bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            TensorType::Q4_0 => bytes
                .chunks_exact(Q4_BLOCK_BYTES)
                .flat_map(|block| {
                    let scale = f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
                    let q = &block[2..];
                    let low = q.iter().map(move |b| f32::from(b & 15) - 8.0);
                    let high = q.iter().map(move |b| f32::from(b >> 4) - 8.0);
                    low.chain(high).map(move |v| v * scale).collect::<Vec<_>>()
                })
                .collect(),
        }
    };
    let norm = |x: &mut [f32], w: &[f32], b: &[f32]| {
        let n = x.len() as f64;
        let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = x
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        let inv = 1.0 / (var + c.layer_norm_eps).sqrt();
        for (i, v) in x.iter_mut().enumerate() {
            *v = ((f64::from(*v) - mean) * inv) as f32 * w[i] + b[i];
        }
    };
    // y = x · Wᵀ + b, W of `out` rows.
    let linear = |x: &[f32], w: &[f32], b: &[f32]| -> Vec<f32> {
        b.iter()
            .enumerate()
            .map(|(o, bias)| {
                let row = &w[o * x.len()..(o + 1) * x.len()];
                bias + row.iter().zip(x).map(|(a, b)| a * b).sum::<f32>()
            })
            .collect()
    };
    let (word, pos, ty) = (get("emb.word"), get("emb.pos"), get("emb.type"));
    let mut x: Vec<Vec<f32>> = ids
        .iter()
        .enumerate()
        .map(|(t, &id)| {
            let mut row: Vec<f32> = (0..h)
                .map(|i| word[id as usize * h + i] + pos[t * h + i] + ty[i])
                .collect();
            norm(&mut row, &get("emb.ln.w"), &get("emb.ln.b"));
            row
        })
        .collect();
    for l in 0..c.layers {
        let p = |name: &str| get(&format!("l{l}.{name}"));
        let project = |x: &Vec<Vec<f32>>, name: &str| -> Vec<Vec<f32>> {
            let (w, b) = (p(&format!("{name}.w")), p(&format!("{name}.b")));
            x.iter().map(|row| linear(row, &w, &b)).collect()
        };
        let (q, k, v) = (project(&x, "q"), project(&x, "k"), project(&x, "v"));
        let mut context = vec![vec![0f32; h]; ids.len()];
        for head in 0..heads {
            let span = head * width..(head + 1) * width;
            for t in 0..ids.len() {
                let scores: Vec<f32> = (0..ids.len())
                    .map(|s| {
                        let dot: f32 = q[t][span.clone()]
                            .iter()
                            .zip(&k[s][span.clone()])
                            .map(|(a, b)| a * b)
                            .sum();
                        dot / (width as f32).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f32::MIN, f32::max);
                let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
                let sum: f32 = exp.iter().sum();
                for (s, e) in exp.iter().enumerate() {
                    for (i, out) in span.clone().enumerate() {
                        context[t][out] += e / sum * v[s][head * width + i];
                    }
                }
            }
        }
        let attention_out = project(&context, "ao");
        for (row, add) in x.iter_mut().zip(&attention_out) {
            row.iter_mut().zip(add).for_each(|(a, b)| *a += b);
            norm(row, &p("aln.w"), &p("aln.b"));
        }
        let mut inner = project(&x, "fi");
        for v in inner.iter_mut().flatten() {
            *v = 0.5 * *v * (1.0 + candle_core::cpu::erf::erf_f32(*v / std::f32::consts::SQRT_2));
        }
        let out = project(&inner, "fo");
        for (row, add) in x.iter_mut().zip(&out) {
            row.iter_mut().zip(add).for_each(|(a, b)| *a += b);
            norm(row, &p("oln.w"), &p("oln.b"));
        }
    }
    let mut mean: Vec<f32> = (0..h)
        .map(|i| x.iter().map(|row| row[i]).sum::<f32>() / ids.len() as f32)
        .collect();
    let length = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
    mean.iter_mut().for_each(|v| *v /= length);
    mean
}

/// xorshift64: reproducible weights without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    fn f32s(&mut self, values: usize, centre: f32, spread: f32) -> Vec<u8> {
        (0..values)
            .flat_map(|_| (centre + spread * self.unit()).to_le_bytes())
            .collect()
    }

    fn q4_blocks(&mut self, values: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(values / Q4_BLOCK * Q4_BLOCK_BYTES);
        for _ in 0..values / Q4_BLOCK {
            let scale = f16::from_f32(0.02 + 0.03 * self.unit().abs());
            out.extend(scale.to_bits().to_le_bytes());
            out.extend((0..16).map(|_| (self.next() >> 56) as u8));
        }
        out
    }
}
