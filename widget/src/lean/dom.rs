//! A small builder over Leptos' renderer (tachys) that the views use instead of `view!`.
//!
//! Why: every `view!` tree, attribute and reactive closure is its own type, and Leptos instantiates its render,
//! rebuild, mount and attribute code once per type. In this widget that per-type code was most of the wasm. Here
//! every element is the same type (a runtime tag), every attribute one of four types, every reactive closure
//! boxed behind one of four signatures, and every event listener one boxed type, so that machinery exists a
//! handful of times in the binary. The reactive behaviour is unchanged: dynamic attributes, text and subtrees are
//! Leptos render effects that update when the signals they read change.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::{AnyAttribute, IntoAnyAttribute};
use leptos::tachys::html::attribute::custom::custom_attribute;
use leptos::tachys::html::element::custom;
use leptos::tachys::html::event::{on, Custom as CustomEvent};
use leptos::tachys::html::property::prop;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::iterators::StaticVec;
use std::sync::{Arc, Mutex};

/// A boxed reactive function (the type Leptos' renderer takes for reactive attributes and children).
pub type Dyn<T> = Arc<Mutex<dyn FnMut() -> T + Send>>;

/// An event handler.
type Handler = Box<dyn FnMut(web_sys::Event)>;

fn boxed<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> Dyn<T> {
    Arc::new(Mutex::new(f))
}

/// An element under construction: tag, attributes, children.
pub struct El {
    tag: &'static str,
    attrs: Vec<AnyAttribute>,
    kids: Vec<AnyView>,
}

/// Starts an element.
pub fn el(tag: &'static str) -> El {
    El { tag, attrs: Vec::new(), kids: Vec::new() }
}

#[inline(never)]
fn text_view(value: String) -> AnyView {
    value.into_any()
}

#[inline(never)]
fn dyn_text_view(f: Dyn<String>) -> AnyView {
    f.into_any()
}

/// A subtree rebuilt whenever the signals `f` reads change.
pub fn dyn_view(f: impl FnMut() -> AnyView + Send + 'static) -> AnyView {
    dyn_view_view(boxed(f))
}

#[inline(never)]
fn dyn_view_view(f: Dyn<AnyView>) -> AnyView {
    f.into_any()
}

/// Nothing (an absent optional part).
pub fn nothing() -> AnyView {
    ().into_any()
}

/// Several views side by side (only the challenge page needs it).
#[cfg(feature = "challenge")]
pub fn group(views: Vec<AnyView>) -> AnyView {
    StaticVec::from(views).into_any()
}

impl El {
    /// A static attribute.
    pub fn attr(self, name: &'static str, value: impl Into<String>) -> Self {
        self.attr_s(name, value.into())
    }

    #[inline(never)]
    fn attr_s(mut self, name: &'static str, value: String) -> Self {
        self.attrs.push(custom_attribute(name, value).into_any_attr());
        self
    }

    /// `class="…"`.
    pub fn class(self, value: &'static str) -> Self {
        self.attr_s("class", value.into())
    }

    /// `id="…"`.
    pub fn id(self, value: impl Into<String>) -> Self {
        self.attr_s("id", value.into())
    }

    /// An attribute present when `value` is `Some`.
    pub fn attr_opt(self, name: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.attr_s(name, v.into()),
            None => self,
        }
    }

    /// A boolean attribute (`required`, `disabled`): present or absent.
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.attr_s(name, String::new())
        } else {
            self
        }
    }

    /// An attribute that follows the signals `f` reads; absent while `f` gives `None`.
    pub fn dyn_attr(self, name: &'static str, f: impl FnMut() -> Option<String> + Send + 'static) -> Self {
        self.dyn_attr_b(name, boxed(f))
    }

    #[inline(never)]
    fn dyn_attr_b(mut self, name: &'static str, f: Dyn<Option<String>>) -> Self {
        self.attrs.push(custom_attribute(name, f).into_any_attr());
        self
    }

    /// A boolean attribute that follows the signals `f` reads.
    pub fn dyn_flag(self, name: &'static str, mut f: impl FnMut() -> bool + Send + 'static) -> Self {
        self.dyn_attr_b(name, boxed(move || f().then(String::new)))
    }

    /// A string DOM property (`value`) that follows the signals `f` reads.
    pub fn prop_text(self, name: &'static str, f: impl FnMut() -> String + Send + 'static) -> Self {
        self.prop_text_b(name, boxed(f))
    }

    #[inline(never)]
    fn prop_text_b(mut self, name: &'static str, f: Dyn<String>) -> Self {
        self.attrs.push(prop(name, f).into_any_attr());
        self
    }

    /// A boolean DOM property (`checked`, `selected`) that follows the signals `f` reads.
    pub fn prop_flag(self, name: &'static str, f: impl FnMut() -> bool + Send + 'static) -> Self {
        self.prop_flag_b(name, boxed(f))
    }

    #[inline(never)]
    fn prop_flag_b(mut self, name: &'static str, f: Dyn<bool>) -> Self {
        self.attrs.push(prop(name, f).into_any_attr());
        self
    }

    /// Listens for `event` on the element.
    pub fn on(self, event: &'static str, f: impl FnMut(web_sys::Event) + 'static) -> Self {
        self.on_b(event, Box::new(f))
    }

    #[inline(never)]
    fn on_b(mut self, event: &'static str, f: Handler) -> Self {
        self.attrs.push(on(CustomEvent::<web_sys::Event>::new(event), f).into_any_attr());
        self
    }

    /// Adds a child view.
    #[inline(never)]
    pub fn child(mut self, view: AnyView) -> Self {
        self.kids.push(view);
        self
    }

    /// Adds a child element.
    pub fn kid(self, child: El) -> Self {
        let view = child.view();
        self.child(view)
    }

    /// Adds a child when there is one.
    pub fn kid_opt(self, child: Option<El>) -> Self {
        match child {
            Some(c) => self.kid(c),
            None => self,
        }
    }

    /// Adds static text.
    pub fn text(self, value: impl Into<String>) -> Self {
        let view = text_view(value.into());
        self.child(view)
    }

    /// Adds text that follows the signals `f` reads.
    pub fn dyn_text(self, f: impl FnMut() -> String + Send + 'static) -> Self {
        let view = dyn_text_view(boxed(f));
        self.child(view)
    }

    /// Adds a subtree rebuilt whenever the signals `f` reads change.
    pub fn dyn_view(self, f: impl FnMut() -> AnyView + Send + 'static) -> Self {
        let view = dyn_view_view(boxed(f));
        self.child(view)
    }

    /// The finished element.
    #[inline(never)]
    pub fn view(self) -> AnyView {
        let El { tag, attrs, kids } = self;
        custom(tag).add_any_attr(attrs).child(StaticVec::from(kids)).into_any()
    }
}
