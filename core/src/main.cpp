// scanhookd: the daemon's entry point.
#include "scanhook/core/daemon.hpp"

int main(int argc, char** argv) {
  scanhook::core::Daemon daemon;
  return daemon.run(argc, argv);
}
