#pragma once
/// The shipped fixtures/scenarios/kb954960.xml, compiled into the binary (so `wsuslab demo` needs
/// no source tree).

#include <string_view>

namespace wsuslab::app {

/// The scenario file's bytes, as shipped.
std::string_view embedded_kb954960_scenario();

}  // namespace wsuslab::app
