// wsuslab: one CLI for the lab (serve, sync, fleet, validate, proxy, diagnose, compare, demo).
#include "commands.hpp"

int main(int argc, char** argv) { return wsuslab::app::run_cli(argc, argv); }
