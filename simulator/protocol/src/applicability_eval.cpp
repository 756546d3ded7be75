// Evaluating applicability rules against a simulated machine.
#include <algorithm>
#include <cctype>
#include <string>

#include <wsuslab/protocol/applicability.hpp>

#include "applicability_rule.hpp"

namespace wsuslab::protocol {

namespace detail {

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::vector<std::uint32_t>> parse_version(const std::string& text) {
    std::vector<std::uint32_t> parts;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t const dot = std::min(text.find('.', pos), text.size());
        if (dot == pos || dot - pos > 9) {
            return std::nullopt;
        }
        std::uint32_t value = 0;
        for (std::size_t i = pos; i < dot; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                return std::nullopt;
            }
            value = value * 10 + static_cast<std::uint32_t>(text[i] - '0');
        }
        parts.push_back(value);
        pos = dot + 1;
    }
    if (parts.size() > 4) {
        return std::nullopt;
    }
    parts.resize(4, 0);
    return parts;
}

int compare_versions(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    if (a < b) {
        return -1;
    }
    return a == b ? 0 : 1;
}

}  // namespace detail

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool ordered(comparison c, int three_way) {
    switch (c) {
        case comparison::equal_to: return three_way == 0;
        case comparison::not_equal_to: return three_way != 0;
        case comparison::less_than: return three_way < 0;
        case comparison::less_than_or_equal_to: return three_way <= 0;
        case comparison::greater_than: return three_way > 0;
        case comparison::greater_than_or_equal_to: return three_way >= 0;
        default: return false;
    }
}

bool key_exists(const machine_state& m, const std::string& key) {
    std::string const wanted = lower(key);
    for (auto const& entry : m.registry) {
        std::string const have = lower(entry.first);
        // A key exists when it is recorded itself or when one of its subkeys is.
        if (have == wanted || (have.size() > wanted.size() && have.compare(0, wanted.size(), wanted) == 0 &&
                               have[wanted.size()] == '\\')) {
            return true;
        }
    }
    return false;
}

const std::string* find_value(const machine_state& m, const std::string& key,
                              const std::string& value) {
    for (auto const& [k, values] : m.registry) {
        if (!detail::iequals(k, key)) {
            continue;
        }
        for (auto const& [name, data] : values) {
            if (detail::iequals(name, value)) {
                return &data;
            }
        }
    }
    return nullptr;
}

const std::string* find_file(const machine_state& m, const std::string& path) {
    for (auto const& [p, version] : m.files) {
        if (detail::iequals(p, path)) {
            return &version;
        }
    }
    return nullptr;
}

bool compare_strings(comparison c, const std::string& have, const std::string& want) {
    std::string const h = lower(have);
    std::string const w = lower(want);
    switch (c) {
        case comparison::equal_to: return h == w;
        case comparison::not_equal_to: return h != w;
        case comparison::contains: return h.find(w) != std::string::npos;
        case comparison::begins_with: return h.rfind(w, 0) == 0;
        case comparison::ends_with:
            return h.size() >= w.size() && h.compare(h.size() - w.size(), w.size(), w) == 0;
        default: return false;
    }
}

bool compare_version_text(comparison c, const std::string& have, const std::string& want) {
    auto const h = detail::parse_version(have);
    auto const w = detail::parse_version(want);
    return h && w && ordered(c, detail::compare_versions(*h, *w));
}

std::optional<std::uint32_t> parse_dword(const std::string& text) {
    if (text.empty() || text.size() > 10) {
        return std::nullopt;
    }
    bool const hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    std::uint64_t v = 0;
    for (std::size_t i = hex ? 2 : 0; i < text.size(); ++i) {
        auto const c = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(text[i])));
        if (std::isdigit(c) != 0) {
            v = v * (hex ? 16U : 10U) + (c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
            v = v * 16U + (c - 'a' + 10U);
        } else {
            return std::nullopt;
        }
    }
    if (v > 0xFFFFFFFFULL) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(v);
}

bool evaluate_windows_version(const rule& r, const machine_state& m) {
    if (r.product_type && *r.product_type != m.product_type) {
        return false;
    }
    if (r.version_parts.empty()) {
        return true;
    }
    std::int32_t const have_all[5] = {m.os_major, m.os_minor, m.os_build, m.sp_major, m.sp_minor};
    std::vector<std::int32_t> have;
    std::vector<std::int32_t> want;
    for (auto const& [index, value] : r.version_parts) {
        have.push_back(have_all[index]);
        want.push_back(value);
    }
    int const three_way = have < want ? -1 : (have == want ? 0 : 1);
    return ordered(r.cmp, three_way);
}

bool evaluate_rule(const rule& r, const machine_state& m) {
    switch (r.kind) {
        case rule_kind::logical_and:
            return std::all_of(r.children.begin(), r.children.end(),
                               [&m](const rule_ptr& c) { return evaluate_rule(*c, m); });
        case rule_kind::logical_or:
            return std::any_of(r.children.begin(), r.children.end(),
                               [&m](const rule_ptr& c) { return evaluate_rule(*c, m); });
        case rule_kind::logical_not: return !evaluate_rule(*r.children.front(), m);
        case rule_kind::constant_true: return true;
        case rule_kind::constant_false: return false;
        case rule_kind::reg_key_exists: return key_exists(m, r.reg_key);
        case rule_kind::reg_value_exists: return find_value(m, r.reg_key, *r.reg_value) != nullptr;
        case rule_kind::reg_sz: {
            auto const* v = find_value(m, r.reg_key, *r.reg_value);
            return v != nullptr && compare_strings(r.cmp, *v, r.data);
        }
        case rule_kind::reg_dword: {
            auto const* v = find_value(m, r.reg_key, *r.reg_value);
            auto const have = v != nullptr ? parse_dword(*v) : std::nullopt;
            return have && ordered(r.cmp, *have < r.dword ? -1 : (*have == r.dword ? 0 : 1));
        }
        case rule_kind::reg_sz_to_version: {
            auto const* v = find_value(m, r.reg_key, *r.reg_value);
            return v != nullptr && compare_version_text(r.cmp, *v, r.data);
        }
        case rule_kind::file_exists: {
            auto const* v = find_file(m, r.file_path);
            return v != nullptr &&
                   (!r.file_version || compare_version_text(comparison::equal_to, *v, *r.file_version));
        }
        case rule_kind::file_version: {
            auto const* v = find_file(m, r.file_path);
            return v != nullptr && compare_version_text(r.cmp, *v, r.data);
        }
        case rule_kind::windows_version: return evaluate_windows_version(r, m);
        case rule_kind::windows_language: return detail::iequals(m.language, r.data);
        case rule_kind::processor: return detail::iequals(m.processor_architecture, r.data);
    }
    return false;
}

}  // namespace

bool operator==(const machine_state& a, const machine_state& b) {
    return a.registry == b.registry && a.files == b.files && a.os_major == b.os_major &&
           a.os_minor == b.os_minor && a.os_build == b.os_build && a.sp_major == b.sp_major &&
           a.sp_minor == b.sp_minor && a.product_type == b.product_type &&
           a.processor_architecture == b.processor_architecture && a.language == b.language;
}

bool evaluate(const rule_ptr& r, const machine_state& m, bool if_null) {
    return r ? evaluate_rule(*r, m) : if_null;
}

applicability_state evaluate_state(const applicability_rules& rules, const machine_state& m) {
    if (evaluate(rules.is_installed, m, false)) {
        return applicability_state::installed;
    }
    if (evaluate(rules.is_installable, m, true)) {
        return applicability_state::needed;
    }
    return applicability_state::not_applicable;
}

}  // namespace wsuslab::protocol
