;; An empty element segment starting past the end of the table traps.
(module
  (table 10 funcref)
  (elem (i32.const 11))
)
