//! The operating system's side: process groups, confinement, the allocator's behaviour.

pub mod memory;
pub mod process;
pub mod sandbox;
