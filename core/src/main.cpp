// scanhookd: the daemon's entry point.
#include <iostream>

#include "scanhook/core/version.hpp"

int main() {
  std::cout << "scanhookd " << scanhook::core::kVersion << "\n";
  return 0;
}
