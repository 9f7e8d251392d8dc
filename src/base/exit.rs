//! The exit codes of the `recourse` binary, fixed for every command so that a calling
//! service can rely on them. Only `main` uses them; they live in the library so that tests
//! and documentation name the same numbers.

/// The command did what was asked (a valid scenario, a plan in hand, ...).
pub const SUCCESS: i32 = 0;
/// The input was fine but there is no plan: infeasible, or a limit was hit with none.
pub const NO_PLAN: i32 = 1;
/// Bad input or usage: the message says what to fix.
pub const BAD_INPUT: i32 = 2;
/// A bug or a solver failure: please report it.
pub const INTERNAL: i32 = 3;
