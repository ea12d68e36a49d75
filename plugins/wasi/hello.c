// The WASI hello world: `plugin-run hello.wasm` prints one line.
#include <stdio.h>

int main(void) {
  printf("Hello, world!\n");
  return 0;
}
