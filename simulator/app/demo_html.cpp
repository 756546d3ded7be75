#include "demo_html.hpp"

#include <sstream>

#include <wsuslab/client/wu_log.hpp>
#include <wsuslab/protocol/operations.hpp>

namespace wsuslab::app::demo {
namespace {

const char* const style_sheet = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header{background:#1f3b57;color:#fff;padding:24px 40px}
header h1{margin:0 0 8px;font-size:26px}
header p{margin:4px 0;max-width:1100px}
main{padding:16px 40px 40px;max-width:1500px}
section.step{background:#fff;border-radius:8px;padding:16px 24px;margin:18px 0;border-left:8px solid #2e7d32;box-shadow:0 1px 3px rgba(0,0,0,.12)}
section.step.different{border-left-color:#c62828}
h2{margin:4px 0 12px;font-size:21px}
h3{margin:18px 0 8px;font-size:17px}
h4{margin:8px 0 4px;font-size:14px;color:#455a64}
dl.verdict{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;background:#f7f9fb;padding:10px;border-radius:6px}
dl.verdict dt{font-weight:600}
dl.verdict dd{margin:0}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:700;font-size:13px}
.badge.ok{background:#e8f5e9;color:#1b5e20}
.badge.different{background:#ffebee;color:#b71c1c}
.logs{display:grid;grid-template-columns:1fr 1fr;gap:14px}
pre{background:#0f1720;color:#d7e1ea;padding:10px;border-radius:6px;font-size:12px;line-height:1.45;white-space:pre-wrap;word-break:break-all;margin:0;max-height:420px;overflow:auto}
mark.fault-id{background:#ffd54f;color:#000;padding:0 2px;border-radius:2px;font-weight:700}
.sequence{overflow-x:auto;background:#fff;border:1px solid #dde3e8;border-radius:6px;padding:6px}
.sequence text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
table.summary{border-collapse:collapse;width:100%;background:#fff}
table.summary th,table.summary td{border:1px solid #cfd8dc;padding:8px;text-align:left;vertical-align:top}
table.summary th{background:#eceff1}
details summary{cursor:pointer;font-weight:600;margin:10px 0}
)css";

std::string hex_status(int status) { return status == 0 ? "no answer" : "HTTP " + std::to_string(status); }

/// One arrow pair per exchange: request to the server, answer back; the failing call in red.
std::string sequence_svg(const client_run& run) {
    auto const& ex = run.outcome.exchanges;
    int const client_x = 130;
    int const server_x = 760;
    int const row = 38;
    int const top = 60;
    int const height = top + static_cast<int>(ex.size()) * row + 30;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence-diagram\" width=\"900\" height=\""
        << height << "\" viewBox=\"0 0 900 " << height << "\" role=\"img\" aria-label=\"SOAP exchanges of "
        << html_escape(run.profile) << "\">"
        << "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
           "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#37474f\"/></marker>"
           "<marker id=\"arrow-bad\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
           "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#c62828\"/></marker></defs>"
        << "<rect x=\"" << client_x - 100 << "\" y=\"8\" width=\"200\" height=\"32\" rx=\"6\" fill=\"#e3f2fd\" stroke=\"#1565c0\"/>"
        << "<text x=\"" << client_x << "\" y=\"29\" text-anchor=\"middle\">" << html_escape(run.profile) << "</text>"
        << "<rect x=\"" << server_x - 120 << "\" y=\"8\" width=\"240\" height=\"32\" rx=\"6\" fill=\"#fff3e0\" stroke=\"#ef6c00\"/>"
        << "<text x=\"" << server_x << "\" y=\"29\" text-anchor=\"middle\">mock WSUS</text>"
        << "<line x1=\"" << client_x << "\" y1=\"40\" x2=\"" << client_x << "\" y2=\"" << height - 10
        << "\" stroke=\"#90a4ae\" stroke-dasharray=\"4 4\"/>"
        << "<line x1=\"" << server_x << "\" y1=\"40\" x2=\"" << server_x << "\" y2=\"" << height - 10
        << "\" stroke=\"#90a4ae\" stroke-dasharray=\"4 4\"/>";
    for (std::size_t i = 0; i < ex.size(); ++i) {
        auto const& e = ex[i];
        int const y = top + static_cast<int>(i) * row;
        bool const failing = e.http_status != 200 || e.response_body.find(":Fault>") != std::string::npos;
        std::string const name = e.op ? std::string(protocol::operation_name(*e.op)) : e.method + " content";
        std::string const answer = failing ? hex_status(e.http_status) + " SOAP fault" : hex_status(e.http_status);
        char const* colour = failing ? "#c62828" : "#37474f";
        char const* marker = failing ? "url(#arrow-bad)" : "url(#arrow)";
        svg << "<g class=\"exchange" << (failing ? " failing" : "") << "\">"
            << "<line x1=\"" << client_x << "\" y1=\"" << y << "\" x2=\"" << server_x - 4 << "\" y2=\"" << y
            << "\" stroke=\"" << colour << "\" stroke-width=\"1.6\" marker-end=\"" << marker << "\"/>"
            << "<text x=\"" << client_x + 10 << "\" y=\"" << y - 5 << "\" fill=\"" << colour << "\">"
            << (e.attempt > 1 ? "[+5 h] " : "") << html_escape(name) << "</text>"
            << "<line x1=\"" << server_x << "\" y1=\"" << y + 14 << "\" x2=\"" << client_x + 4 << "\" y2=\"" << y + 14
            << "\" stroke=\"" << colour << "\" stroke-dasharray=\"5 3\" marker-end=\"" << marker << "\"/>"
            << "<text x=\"" << server_x - 10 << "\" y=\"" << y + 10 << "\" text-anchor=\"end\" fill=\"" << colour
            << "\">" << (failing ? "&#x2716; " : "") << html_escape(answer) << "</text></g>";
    }
    svg << "</svg>";
    return svg.str();
}

std::string with_fault_id(const std::string& escaped, const std::string& id) {
    if (id.empty()) {
        return escaped;
    }
    std::string out = escaped;
    std::string const marked = "<mark class=\"fault-id\">" + id + "</mark>";
    for (auto pos = out.find(id); pos != std::string::npos; pos = out.find(id, pos + marked.size())) {
        out.replace(pos, id.size(), marked);
    }
    return out;
}

void render_run(std::ostringstream& html, const client_run& run) {
    html << "<h3>Client <code>" << html_escape(run.profile) << "</code> &rarr; " << html_escape(run.server_label)
         << "</h3><div class=\"sequence\">" << sequence_svg(run) << "</div><div class=\"logs\"><div>"
         << "<h4>WindowsUpdate.log (client, local time)</h4><pre class=\"client-log\">";
    for (auto const& l : run.outcome.log) {
        html << with_fault_id(html_escape(l.date + " " + l.time + " " + l.tagged()), run.fault_id) << "\n";
    }
    html << "</pre></div><div><h4>SoftwareDistribution.log (server, UTC)</h4><pre class=\"server-log\">";
    for (auto const& l : run.server_log) {
        html << with_fault_id(html_escape(l), run.fault_id) << "\n";
    }
    html << "</pre></div></div>";
    for (auto const& e : run.outcome.exchanges) {
        bool const fault_answer = e.response_body.find(":Fault>") != std::string::npos;
        if (e.op == protocol::operation::sync_updates && fault_answer) {
            html << "<details open class=\"failing-call\"><summary>The failing SyncUpdates call</summary>"
                 << "<h4>Request: POST " << html_escape(e.url) << ", SOAPAction \"" << html_escape(e.soap_action)
                 << "\"</h4><pre>" << html_escape(e.request_body) << "</pre><h4>Response: "
                 << html_escape(hex_status(e.http_status)) << "</h4><pre>"
                 << with_fault_id(html_escape(e.response_body), run.fault_id) << "</pre></details>";
            break;
        }
    }
}

}  // namespace

std::string html_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char const c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\t': out += "    "; break;
            default: out += c;
        }
    }
    return out;
}

std::string render_html(const story& s) {
    auto const verdict = verdict_of(s);
    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         << "<title>wsuslab: Security Advisory 954960 / KB954960</title><style>" << style_sheet
         << "</style></head><body><header><h1>Security Advisory 954960 / KB954960 (2008)</h1>"
         << "<p>On WSUS 3.0 and 3.0 SP1, clients with Office 2003 received no updates: the server's GetSyncInfo "
            "threw a duplicate-key <code>ArgumentException</code> (key 8862), SyncUpdates answered a SOAP fault "
            "<code>InternalServerError</code>, and the client logged <code>0x8024400E</code>. Each step says "
            "what is public record and what is the lab's reconstruction.</p>"
         << "<p>Lab: " << html_escape(s.scenario_name) << ", WSUS " << html_escape(s.server_product_version)
         << ". Verdict: <span class=\"badge " << (verdict.ok ? "ok\">" : "different\">")
         << html_escape(verdict.headline) << "</span></p></header><main>";
    for (auto const& st : s.steps) {
        html << "<section class=\"step" << (st.ok ? "" : " different") << "\" id=\"step-" << st.number
             << "\"><h2>Step " << st.number << ": " << html_escape(st.title) << "</h2>";
        for (auto const& n : st.narrative) {
            html << "<p>" << html_escape(n) << "</p>";
        }
        html << "<dl class=\"verdict\"><dt>Expected</dt><dd>" << html_escape(st.expected) << "</dd><dt>Observed</dt><dd>"
             << with_fault_id(html_escape(st.observed), st.runs.empty() ? "" : st.runs.front().fault_id)
             << "</dd><dt>Result</dt><dd><span class=\"badge " << (st.ok ? "ok\">as expected" : "different\">different")
             << "</span></dd></dl>";
        for (auto const& run : st.runs) {
            render_run(html, run);
        }
        html << "</section>";
    }
    html << "<section class=\"step\" id=\"summary\"><h2>Summary</h2><table class=\"summary\"><thead><tr>"
            "<th>Step</th><th>Expected</th><th>Observed</th><th>Result</th></tr></thead><tbody>";
    for (auto const& st : s.steps) {
        html << "<tr><td>" << st.number << ". " << html_escape(st.title) << "</td><td>" << html_escape(st.expected)
             << "</td><td>" << html_escape(st.observed) << "</td><td><span class=\"badge "
             << (st.ok ? "ok\">OK" : "different\">DIFFERENT") << "</span></td></tr>";
    }
    html << "</tbody></table><p class=\"verdict\"><span class=\"badge " << (verdict.ok ? "ok\">" : "different\">")
         << html_escape(verdict.headline) << "</span></p><p class=\"public-record\">"
         << html_escape(verdict.public_record) << "</p><p class=\"reconstruction\">"
         << html_escape(verdict.reconstruction) << "</p></section></main></body></html>\n";
    return html.str();
}

}  // namespace wsuslab::app::demo
