;; An empty data segment starting past the end of the memory traps.
(module
  (memory 1)
  (data (i32.const 65537) "")
)
