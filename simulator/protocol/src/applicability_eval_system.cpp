// Evaluating the BaseApplicabilityRules system rules (version, language, processor, WMI,
// licensing, cluster) against the simulated machine.
#include <algorithm>
#include <cctype>
#include <string>

#include "applicability_eval.hpp"

namespace wsuslab::protocol::detail {
namespace {

int three_way(std::int64_t a, std::int64_t b) { return a < b ? -1 : (a == b ? 0 : 1); }

// VerifyVersionInfo (the schema's stated implementation) compares major, minor, service-pack
// major and minor as one hierarchy; the build number is a separate test with the same operator.
bool windows_version_matches(const rule& r, const machine_state& m) {
    if (r.product_type && *r.product_type != m.product_type) {
        return false;
    }
    if (r.suite_mask) {
        auto const mask = static_cast<std::uint16_t>(*r.suite_mask);
        bool const ok = r.flag ? (m.suite_mask & mask) == mask : (m.suite_mask & mask) != 0;
        if (!ok) {
            return false;
        }
    }
    std::int64_t const have_all[4] = {m.os_major, m.os_minor, m.sp_major, m.sp_minor};
    std::vector<std::int64_t> have;
    std::vector<std::int64_t> want;
    for (auto const& [index, value] : r.version_parts) {
        have.push_back(have_all[index]);
        want.push_back(value);
    }
    if (!have.empty() && !ordered(r.cmp, have < want ? -1 : (have == want ? 0 : 1))) {
        return false;
    }
    return !r.build_number || ordered(r.cmp, three_way(m.os_build, *r.build_number));
}

std::string normalize_wql(const std::string& text) {
    std::string out;
    for (char const c : lower_copy(text)) {
        bool const blank = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (blank && (out.empty() || out.back() == ' ')) {
            continue;
        }
        out += blank ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

std::string normalize_namespace(const std::string& ns) {
    std::string out = lower_copy(ns);
    std::replace(out.begin(), out.end(), '/', '\\');
    if (out.rfind("\\\\.\\", 0) == 0) {
        out.erase(0, 4);
    }
    return out;
}

rule_value eval_wmi(const rule& r, eval_context& ctx) {
    for (auto const& a : ctx.m.wmi) {
        if (normalize_namespace(a.name_space) == normalize_namespace(r.data) &&
            normalize_wql(a.query) == normalize_wql(r.data2)) {
            return from_bool(a.rows > 0);
        }
    }
    ctx.notes.push_back(r.name + ": the profile has no answer for '" + r.data2 + "' in " + r.data +
                        "; read as no rows");
    return rule_value::is_false;
}

rule_value eval_generic(const rule& r, eval_context& ctx) {
    bool const has_comparison =
        std::any_of(r.attributes.begin(), r.attributes.end(),
                    [](auto const& a) { return a.first == "Comparison"; });
    for (auto const& a : ctx.m.generic_queries) {
        if (iequals(a.name_space, r.data) && iequals(a.type, r.data2) && iequals(a.parameter, r.data3)) {
            return from_bool(!has_comparison || compare_strings(r.cmp, a.value, r.data4));
        }
    }
    ctx.notes.push_back(r.name + ": the profile has no answer for " + r.data + "/" + r.data2 + "/" +
                        r.data3 + "; read as false");
    return rule_value::is_false;
}

bool language_matches(const std::string& have, const std::string& want) {
    return iequals(have, want);
}

rule_value eval_cluster_owner(const rule& r, eval_context& ctx) {
    std::string middle = r.reg.value.value_or("");
    if (!r.reg.root.empty()) {
        auto const key = full_key(r.reg, ctx);
        auto const* v = key ? find_value(ctx.m, *key, middle) : nullptr;
        if (v == nullptr) {
            return rule_value::is_false;
        }
        middle = *v;
    }
    std::string const resource = r.data3 + middle + r.data4;
    return from_bool(ctx.m.clustered &&
                     std::any_of(ctx.m.cluster_resources.begin(), ctx.m.cluster_resources.end(),
                                 [&](const std::string& n) { return iequals(n, resource); }));
}

rule_value eval_processor(const rule& r, const machine_state& m) {
    auto const code = architecture_code(m.processor_architecture);
    bool ok = code && *code == *r.number;
    ok = ok && (!r.number2 || (m.processor_level && *m.processor_level == *r.number2));
    return from_bool(ok && (!r.build_number || (m.processor_revision &&
                                                *m.processor_revision == *r.build_number)));
}

rule_value eval_license(const rule& r, const machine_state& m) {
    for (auto const& [name, value] : m.licenses) {
        if (iequals(name, r.data)) {
            return from_bool(r.kind == rule_kind::license_value_exists ||
                             ordered(r.cmp, three_way(value, *r.number)));
        }
    }
    return rule_value::is_false;
}

}  // namespace

rule_value eval_system(const rule& r, eval_context& ctx) {
    machine_state const& m = ctx.m;
    switch (r.kind) {
        case rule_kind::windows_version:
        case rule_kind::platform_version:
            return from_bool(windows_version_matches(r, m));
        case rule_kind::windows_language:
            // The schema: always false when the Multilingual User Interface is installed.
            return from_bool(!m.mui_installed && language_matches(m.language, r.data));
        case rule_kind::platform_language: return from_bool(language_matches(m.language, r.data));
        case rule_kind::mui_installed: return from_bool(m.mui_installed);
        case rule_kind::mui_language_installed:
            return from_bool(std::any_of(m.mui_languages.begin(), m.mui_languages.end(),
                                         [&](const std::string& l) { return language_matches(l, r.data); }));
        case rule_kind::system_metric: {
            // GetSystemMetrics answers 0 for a metric the system does not report.
            auto const it = m.system_metrics.find(static_cast<std::int32_t>(*r.number));
            std::int64_t const have = it == m.system_metrics.end() ? 0 : it->second;
            return from_bool(ordered(r.cmp, three_way(have, *r.number2)));
        }
        case rule_kind::processor: return eval_processor(r, m);
        case rule_kind::number_of_processors:
            return from_bool(ordered(r.cmp, three_way(m.processor_count, *r.number)));
        case rule_kind::clustered_os: return from_bool(m.clustered);
        case rule_kind::cluster_resource_owner: return eval_cluster_owner(r, ctx);
        case rule_kind::wmi_query: return eval_wmi(r, ctx);
        case rule_kind::generic_query: return eval_generic(r, ctx);
        case rule_kind::installed_once:
            return fail(ctx, r, "no public definition of this rule; the lab cannot evaluate it");
        case rule_kind::platform:
            // Every simulated machine is Windows NT (VER_PLATFORM_WIN32_NT is 2).
            return from_bool(iequals(r.data, "Windows") || r.data == "2");
        case rule_kind::memory:
            return from_bool(m.memory_mb && static_cast<std::int64_t>(*m.memory_mb) >= *r.number);
        case rule_kind::license_dword:
        case rule_kind::license_value_exists:
            return eval_license(r, m);
        default:
            return eval_package(r, ctx);
    }
}

}  // namespace wsuslab::protocol::detail
