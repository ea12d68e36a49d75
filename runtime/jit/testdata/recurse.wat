;; Unbounded recursion: call stack exhausted, far deeper than the backtrace cap.
(module
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
)
