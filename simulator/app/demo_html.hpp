#pragma once
/// The demo story as one self-contained HTML page (no scripts, no network fetches): per client
/// run a sequence diagram of its SOAP exchanges (inline SVG) with the failing call marked, both
/// logs side by side with the fault ID highlighted, and the raw request and response of the
/// failing SyncUpdates; a summary table at the end.

#include <string>

#include "demo_story.hpp"

namespace wsuslab::app::demo {

std::string render_html(const story& s);

/// HTML-escapes &, <, >, " and '.
std::string html_escape(const std::string& text);

}  // namespace wsuslab::app::demo
