// Evaluating the BaseApplicabilityRules registry and file rules against the simulated machine.
#include <algorithm>
#include <set>
#include <string>

#include "applicability_eval.hpp"

namespace wsuslab::protocol::detail {
namespace {

bool is_64_bit(const machine_state& m) {
    auto const code = architecture_code(m.processor_architecture);
    return code && (*code == 6 || *code == 9 || *code == 12);
}

bool key_exists(const machine_state& m, const std::string& key) {
    std::string const wanted = lower_copy(key);
    for (auto const& entry : m.registry) {
        std::string const have = lower_copy(entry.first);
        // A key exists when it is recorded itself or when one of its subkeys is.
        if (have == wanted || (have.size() > wanted.size() && have.compare(0, wanted.size(), wanted) == 0 &&
                               have[wanted.size()] == '\\')) {
            return true;
        }
    }
    return false;
}

/// The names of the immediate subkeys of `key` (b.RegKeyLoop), in registry order.
std::vector<std::string> subkeys(const machine_state& m, const std::string& key) {
    std::string const prefix = lower_copy(key) + "\\";
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (auto const& entry : m.registry) {
        std::string const have = lower_copy(entry.first);
        if (have.compare(0, prefix.size(), prefix) != 0) {
            continue;
        }
        std::string const rest = entry.first.substr(prefix.size());
        std::string const child = rest.substr(0, rest.find('\\'));
        if (!child.empty() && seen.insert(lower_copy(child)).second) {
            out.push_back(child);
        }
    }
    return out;
}

const std::string* find_type(const machine_state& m, const std::string& key, const std::string& value) {
    for (auto const& [k, values] : m.registry_types) {
        if (!iequals(k, key)) {
            continue;
        }
        for (auto const& [name, type] : values) {
            if (iequals(name, value)) {
                return &type;
            }
        }
    }
    return nullptr;
}

/// The value's data when it exists and its recorded type (if any) is one of `types`.
const std::string* typed_value(const machine_state& m, const std::string& key,
                               const std::string& value, std::initializer_list<const char*> types) {
    auto const* data = find_value(m, key, value);
    auto const* type = data != nullptr ? find_type(m, key, value) : nullptr;
    if (type == nullptr) {
        return data;
    }
    for (const char* t : types) {
        if (iequals(*type, t)) {
            return data;
        }
    }
    return nullptr;
}

bool compare_version_text(comparison c, const std::string& have, const std::string& want) {
    auto const h = parse_version(have);
    auto const w = parse_version(want);
    return h && w && ordered(c, compare_versions(*h, *w));
}

rule_value eval_key_loop(const rule& r, eval_context& ctx, const std::string& key) {
    std::string const saved = ctx.loop_key;
    bool any = false;
    bool all = true;
    for (auto const& sub : subkeys(ctx.m, key)) {
        ctx.loop_key = key + "\\" + sub;
        rule_value const v = eval_rule(*r.children.front(), ctx);
        if (v == rule_value::error) {
            ctx.loop_key = saved;
            return v;
        }
        any = any || v == rule_value::is_true;
        all = all && v == rule_value::is_true;
    }
    ctx.loop_key = saved;
    if (r.data == "Any") {
        return from_bool(any);
    }
    return from_bool(r.data == "All" ? all : !any);
}

/// The CSIDL folder on the simulated machine (English Windows; docs/applicability-rules.md §3.2).
std::string csidl_folder(int csidl, const machine_state& m) {
    bool const wow = is_64_bit(m);
    switch (csidl) {
        case 20: return "C:\\Windows\\Fonts";
        case 35: return m.os_major >= 6 ? "C:\\ProgramData" : "C:\\Documents and Settings\\All Users\\Application Data";
        case 36: return "C:\\Windows";
        case 37: return "C:\\Windows\\system32";
        case 38: return "C:\\Program Files";
        case 41: return wow ? "C:\\Windows\\SysWOW64" : "C:\\Windows\\system32";
        case 42: return wow ? "C:\\Program Files (x86)" : "C:\\Program Files";
        case 43: return "C:\\Program Files\\Common Files";
        default: return wow ? "C:\\Program Files (x86)\\Common Files" : "C:\\Program Files\\Common Files";
    }
}

std::string join_path(const std::string& base, std::string path) {
    while (!path.empty() && path.front() == '\\') {
        path.erase(0, 1);
    }
    if (base.empty()) {
        return path;
    }
    return base.back() == '\\' ? base + path : base + "\\" + path;
}

std::string normalize_path(const std::string& p) {
    std::string out;
    for (char const c : lower_copy(p)) {
        if (c == '\\' && !out.empty() && out.back() == '\\') {
            continue;
        }
        out += c == '/' ? '\\' : c;
    }
    return out;
}

/// The file's full path, or nullopt when a PrependRegSz base value is absent.
std::optional<std::string> resolve_path(const rule& r, eval_context& ctx) {
    if (r.file.prepend) {
        auto const key = full_key(*r.file.prepend, ctx);
        auto const* base = key ? typed_value(ctx.m, *key, r.file.prepend->value.value_or(""),
                                             {"REG_SZ", "REG_EXPAND_SZ"})
                               : nullptr;
        if (base == nullptr) {
            return std::nullopt;
        }
        return join_path(*base, r.file.path);
    }
    if (r.file.csidl) {
        return join_path(csidl_folder(*r.file.csidl, ctx.m), r.file.path);
    }
    return r.file.path;
}

const std::string* find_file(const machine_state& m, const std::string& path, const file_facts** facts) {
    std::string const wanted = normalize_path(path);
    for (auto const& [p, version] : m.files) {
        if (normalize_path(p) == wanted) {
            auto const it = m.file_details.find(p);
            *facts = it == m.file_details.end() ? nullptr : &it->second;
            return &version;
        }
    }
    return nullptr;
}

int three_way(std::int64_t a, std::int64_t b) { return a < b ? -1 : (a == b ? 0 : 1); }

/// Created / Modified of a file against the rule's dateTime.
bool compare_dates(comparison c, const std::optional<std::string>& have, const std::string& want) {
    auto const h = have ? parse_date_time(*have) : std::nullopt;
    auto const w = parse_date_time(want);
    return h && w && ordered(c, three_way(unix_ticks(*h), unix_ticks(*w)));
}

bool file_exists_matches(const rule& r, const std::string& version, const file_facts* facts) {
    file_facts const none;
    file_facts const& f = facts != nullptr ? *facts : none;
    bool ok = r.data.empty() || compare_version_text(comparison::equal_to, version, r.data);
    ok = ok && (r.data2.empty() || compare_dates(comparison::equal_to, f.created, r.data2));
    ok = ok && (r.data3.empty() || compare_dates(comparison::equal_to, f.modified, r.data3));
    ok = ok && (!r.number || (f.size && static_cast<std::int64_t>(*f.size) == *r.number));
    return ok && (!r.number2 || (f.language && *f.language == *r.number2));
}

}  // namespace

std::optional<std::string> full_key(const registry_ref& reg, const eval_context& ctx) {
    std::string root = reg.root;
    std::string sub = reg.subkey;
    if (root == "HKEY_LOOP_TARGET") {
        if (ctx.loop_key.empty()) {
            return std::nullopt;
        }
        return sub.empty() ? ctx.loop_key : ctx.loop_key + "\\" + sub;
    }
    // RegType32 on a 64-bit machine reads the 32-bit view: HKLM\SOFTWARE is redirected to
    // HKLM\SOFTWARE\WOW6432Node (Windows registry redirection).
    if (reg.reg_type_32 && is_64_bit(ctx.m) && root == "HKEY_LOCAL_MACHINE" &&
        (iequals(sub, "SOFTWARE") || istarts_with(sub, "software\\"))) {
        std::string const rest = sub.size() > 9 ? sub.substr(9) : std::string();
        sub = sub.substr(0, 8) + "\\WOW6432Node" + (rest.empty() ? "" : "\\" + rest);
    }
    return sub.empty() ? root : root + "\\" + sub;
}

const std::string* find_value(const machine_state& m, const std::string& key, const std::string& value) {
    for (auto const& [k, values] : m.registry) {
        if (!iequals(k, key)) {
            continue;
        }
        for (auto const& [name, data] : values) {
            if (iequals(name, value)) {
                return &data;
            }
        }
    }
    return nullptr;
}

rule_value eval_registry(const rule& r, eval_context& ctx) {
    auto const key = full_key(r.reg, ctx);
    if (!key) {
        return fail(ctx, r, "Key HKEY_LOOP_TARGET outside a b.RegKeyLoop");
    }
    std::string const value = r.reg.value.value_or("");
    switch (r.kind) {
        case rule_kind::reg_key_exists: return from_bool(key_exists(ctx.m, *key));
        case rule_kind::reg_key_loop: return eval_key_loop(r, ctx, *key);
        case rule_kind::reg_value_exists: {
            auto const* data = find_value(ctx.m, *key, value);
            auto const* type = data != nullptr ? find_type(ctx.m, *key, value) : nullptr;
            return from_bool(data != nullptr &&
                             (r.data.empty() || type == nullptr || iequals(*type, r.data)));
        }
        case rule_kind::reg_dword: {
            auto const* v = typed_value(ctx.m, *key, value, {"REG_DWORD"});
            auto const have = v != nullptr ? parse_integer(*v, 0, 0xFFFFFFFFLL) : std::nullopt;
            return from_bool(have && ordered(r.cmp, three_way(*have, *r.number)));
        }
        case rule_kind::reg_sz:
        case rule_kind::reg_expand_sz: {
            const char* type = r.kind == rule_kind::reg_sz ? "REG_SZ" : "REG_EXPAND_SZ";
            auto const* v = typed_value(ctx.m, *key, value, {type});
            return from_bool(v != nullptr && compare_strings(r.cmp, *v, r.data));
        }
        default: {
            auto const* v = typed_value(ctx.m, *key, value, {"REG_SZ"});
            return from_bool(v != nullptr && compare_version_text(r.cmp, *v, r.data));
        }
    }
}

rule_value eval_file(const rule& r, eval_context& ctx) {
    auto const path = resolve_path(r, ctx);
    const file_facts* facts = nullptr;
    auto const* version = path ? find_file(ctx.m, *path, &facts) : nullptr;
    if (version == nullptr) {
        return rule_value::is_false;
    }
    switch (r.kind) {
        case rule_kind::file_exists: return from_bool(file_exists_matches(r, *version, facts));
        case rule_kind::file_version: return from_bool(compare_version_text(r.cmp, *version, r.data));
        case rule_kind::file_created:
            return from_bool(facts != nullptr && compare_dates(r.cmp, facts->created, r.data2));
        case rule_kind::file_modified:
            return from_bool(facts != nullptr && compare_dates(r.cmp, facts->modified, r.data3));
        default:
            return from_bool(facts != nullptr && facts->size &&
                             ordered(r.cmp, three_way(static_cast<std::int64_t>(*facts->size), *r.number)));
    }
}

int compare_texts(const std::string& have, const std::string& want) {
    auto const hi = parse_integer(have, INT64_MIN + 1, INT64_MAX);
    auto const wi = parse_integer(want, INT64_MIN + 1, INT64_MAX);
    if (hi && wi) {
        return three_way(*hi, *wi);
    }
    auto const hv = parse_version(have);
    auto const wv = parse_version(want);
    if (hv && wv) {
        return compare_versions(*hv, *wv);
    }
    std::string const h = lower_copy(have);
    std::string const w = lower_copy(want);
    return h < w ? -1 : (h == w ? 0 : 1);
}

bool compare_strings(comparison c, const std::string& have, const std::string& want) {
    std::string const h = lower_copy(have);
    std::string const w = lower_copy(want);
    switch (c) {
        case comparison::equal_to: return h == w;
        case comparison::not_equal_to: return h != w;
        case comparison::contains: return h.find(w) != std::string::npos;
        case comparison::begins_with: return h.rfind(w, 0) == 0;
        case comparison::ends_with:
            return h.size() >= w.size() && h.compare(h.size() - w.size(), w.size(), w) == 0;
        default: return ordered(c, compare_texts(have, want));
    }
}

}  // namespace wsuslab::protocol::detail
