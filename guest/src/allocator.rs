//! The guest's memory allocator (wasm only): size classes with free lists,
//! carved from 64 KiB chunks of the system allocator.
//!
//! Every dish runs in a fresh instance whose memory is thrown away
//! afterwards, and the interpreter makes many small, short-lived allocations
//! (pairs, frames, syntax nodes), so a simple segregated free-list allocator
//! is several times cheaper per operation than the general-purpose one.
//! Requests larger than the largest class, or more aligned than 16 bytes,
//! go to the system allocator.  The guest is single-threaded.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// Size classes, in bytes (multiples of 16, so every block is 16-aligned).
const CLASSES: [usize; 12] = [16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];
const CHUNK: usize = 64 * 1024;
const ALIGN: usize = 16;

struct State {
    /// Head of each class's free list (a block's first word links the next).
    free: [*mut u8; CLASSES.len()],
    /// The unused tail of the current chunk.
    bump: *mut u8,
    end: *mut u8,
}

pub struct SizeClasses {
    state: UnsafeCell<State>,
}

// SAFETY: the wasm32-unknown-unknown guest has a single thread; nothing else can
// observe the allocator's state concurrently.
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    pub const fn new() -> Self {
        SizeClasses {
            state: UnsafeCell::new(State {
                free: [std::ptr::null_mut(); CLASSES.len()],
                bump: std::ptr::null_mut(),
                end: std::ptr::null_mut(),
            }),
        }
    }
}

impl Default for SizeClasses {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of each size in 16-byte steps: `CLASS_OF[(size + 15) / 16]`.
const CLASS_OF: [u8; 1024 / 16 + 1] = {
    let mut t = [0u8; 1024 / 16 + 1];
    let mut i = 0;
    while i < t.len() {
        let size = if i == 0 { 1 } else { i * 16 };
        let mut c = 0;
        while CLASSES[c] < size {
            c += 1;
        }
        t[i] = c as u8;
        i += 1;
    }
    t
};

#[inline]
fn class_of(layout: Layout) -> Option<usize> {
    if layout.align() > ALIGN {
        return None;
    }
    CLASS_OF
        .get(layout.size().div_ceil(16))
        .map(|&c| c as usize)
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded with the caller's layout.
            return unsafe { System.alloc(layout) };
        };
        // SAFETY: single-threaded (see `Sync`), and no reference to the
        // state outlives this call.
        let st = unsafe { &mut *self.state.get() };
        let head = st.free[class];
        if !head.is_null() {
            // SAFETY: `head` is a free block of this class; its first word
            // holds the next free block.
            st.free[class] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        let size = CLASSES[class];
        if (st.end as usize) - (st.bump as usize) < size {
            // SAFETY: a valid, non-zero layout.
            let chunk = unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, ALIGN)) };
            if chunk.is_null() {
                return chunk;
            }
            st.bump = chunk;
            // SAFETY: within the chunk just allocated.
            st.end = unsafe { chunk.add(CHUNK) };
        }
        let block = st.bump;
        // SAFETY: `size` bytes remain before `end`.
        st.bump = unsafe { block.add(size) };
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            // SAFETY: it came from `System.alloc` with this layout.
            return unsafe { System.dealloc(ptr, layout) };
        };
        // SAFETY: single-threaded; `ptr` is a block of this class that the
        // caller no longer uses, large enough to hold a pointer.
        let st = unsafe { &mut *self.state.get() };
        unsafe { *(ptr as *mut *mut u8) = st.free[class] };
        st.free[class] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` is valid for `layout.align()`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            // Same class: the block is already big enough.
            (Some(a), Some(b)) if a == b => ptr,
            // Both large: let the system allocator grow in place if it can.
            // SAFETY: forwarded with the caller's arguments.
            (None, None) => unsafe { System.realloc(ptr, layout, new_size) },
            _ => {
                // SAFETY: standard move to a new block.
                let new = unsafe { self.alloc(new_layout) };
                if !new.is_null() {
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                new
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_distinct_and_reused() {
        let a = SizeClasses::new();
        let l24 = Layout::from_size_align(24, 8).unwrap();
        let l100 = Layout::from_size_align(100, 16).unwrap();
        unsafe {
            let p = a.alloc(l24);
            let q = a.alloc(l24);
            let r = a.alloc(l100);
            for x in [p, q, r] {
                assert!(!x.is_null());
                assert_eq!(x as usize % ALIGN, 0);
            }
            assert_ne!(p, q);
            std::ptr::write_bytes(p, 0xaa, 24);
            std::ptr::write_bytes(q, 0xbb, 24);
            assert_eq!(*p.add(23), 0xaa);
            a.dealloc(p, l24);
            // The freed block is reused for the same class.
            assert_eq!(a.alloc(l24), p);
            // Growing within a class keeps the block; across classes moves it.
            assert_eq!(a.realloc(q, l24, 30), q);
            let moved = a.realloc(q, l24, 200);
            assert_ne!(moved, q);
            assert_eq!(*moved.add(23), 0xbb);
            // Large or over-aligned requests use the system allocator.
            let big = Layout::from_size_align(10_000, 8).unwrap();
            let b = a.alloc(big);
            assert!(!b.is_null());
            a.dealloc(b, big);
            let aligned = Layout::from_size_align(64, 64).unwrap();
            let c = a.alloc(aligned);
            assert_eq!(c as usize % 64, 0);
            a.dealloc(c, aligned);
        }
    }

    #[test]
    fn every_size_gets_the_smallest_class_that_fits() {
        for size in 0..=2048 {
            let expected = CLASSES.iter().position(|&c| size.max(1) <= c);
            let layout = Layout::from_size_align(size, 8).unwrap();
            assert_eq!(class_of(layout), expected, "size {size}");
        }
    }

    #[test]
    fn many_allocations_span_chunks() {
        let a = SizeClasses::new();
        let l = Layout::from_size_align(1024, 16).unwrap();
        let ptrs: Vec<usize> = (0..500).map(|_| unsafe { a.alloc(l) } as usize).collect();
        let mut sorted = ptrs.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 500, "every block is distinct");
        for w in sorted.windows(2) {
            assert!(w[1] - w[0] >= 1024, "blocks do not overlap");
        }
    }
}
