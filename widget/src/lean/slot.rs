//! [`Slot`]: page state that Leptos tracks like a signal, with one reactive node type for all of them.
//!
//! An `RwSignal<T>` brings its own copy of Leptos' signal code for every `T`; a slot keeps its value in a plain
//! mutex and leaves change tracking to an `ArcTrigger`, which is the same type whatever the slot holds. Reading a
//! slot in an effect or a reactive view subscribes it, and writing notifies those readers, as with a signal.
//! Slots live as long as the page (leaked once, so they are `Copy` like signals).

use leptos::prelude::{ArcTrigger, Notify, Track};
use std::sync::Mutex;

struct Inner<T> {
    value: Mutex<T>,
    trigger: ArcTrigger,
}

/// A tracked value for the page's lifetime.
pub struct Slot<T: 'static> {
    inner: &'static Inner<T>,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Slot<T> {}

impl<T: Send + 'static> Slot<T> {
    /// A new slot holding `value`.
    pub fn new(value: T) -> Self {
        Self { inner: Box::leak(Box::new(Inner { value: Mutex::new(value), trigger: ArcTrigger::new() })) }
    }

    /// Applies `f` to the value without subscribing.
    pub fn with_untracked<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        let guard = self.inner.value.lock().unwrap_or_else(|e| e.into_inner());
        f(&guard)
    }

    /// Applies `f` to the value and subscribes the running effect or view.
    pub fn with<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        self.inner.trigger.track();
        self.with_untracked(f)
    }

    /// Changes the value in place, then notifies readers.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        {
            let mut guard = self.inner.value.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard);
        }
        self.inner.trigger.notify();
    }

    /// Replaces the value, then notifies readers.
    pub fn set(&self, value: T) {
        self.update(|v| *v = value);
    }
}

impl<T: Clone + Send + 'static> Slot<T> {
    /// A copy of the value, subscribing the running effect or view.
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    /// A copy of the value without subscribing.
    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }
}
