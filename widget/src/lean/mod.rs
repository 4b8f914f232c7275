//! The size-driven pieces of the form: idiomatic Leptos and serde would do each job, but cost the form's wasm
//! budget (≤ 100 KB gzipped with its JS, `widget/README.md` "Size"). Each file says why; the yield measured when it
//! came in (gzipped wasm):
//!
//! - [`json`]: one non-generic JSON reader into the shared wire types instead of a `serde_json` derive per type
//!   (−51 KB, with boxed fetch futures). Round-trip tests against the shared serde derives keep them in step.
//! - [`small_map`]: field errors in a `Vec` of pairs instead of a `BTreeMap` (−3.2 KB).
//! - `dom` (wasm only): views from one element builder over tachys instead of `view!` trees, so Leptos' per-type
//!   render code exists a handful of times (−29.6 KB).
//! - `slot` (wasm only): page state as a value in a mutex plus one `ArcTrigger` type instead of one `RwSignal<T>`
//!   per `T` (−8.1 KB).
//!
//! The ops console has no size budget and stays idiomatic Leptos (`view!`, signals, serde).

pub mod json;
pub mod small_map;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub(crate) mod dom;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub(crate) mod slot;
