// Traps in a named function: plugin-run prints the trap and a backtrace with
// function names (from the name section clang writes).
#include <stdio.h>

__attribute__((noinline)) int divide(volatile int a, volatile int b) { return a / b; }

int main(void) {
  printf("about to divide by zero\n");
  fflush(stdout);
  return divide(1, 0);
}
