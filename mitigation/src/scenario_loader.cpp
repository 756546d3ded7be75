// The scenario loader's entry points and the checking helpers of pass 1. The element readers
// are in scenario_elements.cpp, pass 2 in scenario_checks.cpp.
#include <wsuslab/mitigation/scenario_loader.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "scenario_reader.hpp"

namespace wsuslab::mitigation {
namespace detail {

line_index::line_index(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            starts_.push_back(i + 1);
        }
    }
}

std::size_t line_index::line_of(std::ptrdiff_t offset) const {
    if (offset < 0) {
        return 0;
    }
    auto const it =
        std::upper_bound(starts_.begin(), starts_.end(), static_cast<std::size_t>(offset));
    return static_cast<std::size_t>(it - starts_.begin());
}

bool is_date(const std::string& s) { return protocol::parse_date_time(s).has_value(); }

/// Dotted version of one to four numbers, e.g. "11.0.8169.0".
bool is_version(const std::string& v) {
    std::size_t parts = 1;
    bool digit = false;
    for (char const c : v) {
        if (c == '.') {
            if (!digit) {
                return false;
            }
            ++parts;
            digit = false;
        } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            digit = true;
        } else {
            return false;
        }
    }
    return digit && parts <= 4;
}

scenario_parser::scenario_parser(std::string_view text, std::string file)
    : lines_(text), file_(std::move(file)) {}

std::optional<scenario_error> scenario_parser::read(const pugi::xml_document& doc) {
    pugi::xml_node root;
    for (auto n = doc.first_child(); n; n = n.next_sibling()) {
        if (n.type() == pugi::node_element) {
            if (root) {
                return error(n, "more than one root element");
            }
            root = n;
        }
    }
    if (!root || std::strcmp(root.name(), "Scenario") != 0) {
        return error(root, "the root element must be <Scenario>");
    }
    if (!check_attributes(root, {"Name", "FormatVersion"})) {
        return err_;
    }
    s_.name = root.attribute("Name").value();
    if (auto v = root.attribute("FormatVersion"); v && std::strcmp(v.value(), "1") != 0) {
        return error(root, "unsupported FormatVersion '" + std::string(v.value()) + "'");
    }
    for (auto n = root.first_child(); n; n = n.next_sibling()) {
        if (!check_no_text(n, root)) {
            return err_;
        }
        if (n.type() != pugi::node_element) {
            continue;
        }
        std::string const name = n.name();
        bool ok = false;
        if (name == "Description") {
            ok = read_text(n, s_.description);
        } else if (name == "Server") {
            ok = read_server(n);
        } else if (name == "Updates") {
            ok = each(n, {"Update"}, &scenario_parser::read_update);
        } else if (name == "TargetGroups") {
            ok = each(n, {"TargetGroup"}, &scenario_parser::read_group);
        } else if (name == "Deployments") {
            // <Deployment> and <StrayDeployment> rows, in any order.
            ok = each(n, {"Deployment", "StrayDeployment"}, &scenario_parser::read_deployment);
        } else if (name == "Computers") {
            ok = each(n, {"Computer"}, &scenario_parser::read_computer);
        } else if (name == "ClientProfiles") {
            ok = each(n, {"ClientProfile"}, &scenario_parser::read_profile);
        } else {
            ok = fail(n, "unknown element <" + name + "> in <Scenario>");
        }
        if (!ok) {
            return err_;
        }
    }
    // Every WSUS server has "All Computers"; a scenario need not spell it out.
    if (std::none_of(s_.target_groups.begin(), s_.target_groups.end(),
                     [](const target_group& g) { return g.name == all_computers_group; })) {
        s_.target_groups.insert(s_.target_groups.begin(),
                                target_group{all_computers_group, std::nullopt, std::nullopt});
        refs_.group_lines.insert(refs_.group_lines.begin(), 0);
    }
    return check_and_complete(s_, refs_, file_);
}

std::size_t scenario_parser::line(pugi::xml_node n) const {
    return n ? lines_.line_of(n.offset_debug()) : 0;
}

scenario_error scenario_parser::error(pugi::xml_node n, std::string problem) const {
    return scenario_error{file_, line(n), std::move(problem)};
}

bool scenario_parser::fail(pugi::xml_node n, std::string problem) {
    err_ = error(n, std::move(problem));
    return false;
}

bool scenario_parser::check_no_text(pugi::xml_node n, pugi::xml_node parent) {
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
        return fail(parent, "unexpected text in <" + std::string(parent.name()) + ">");
    }
    return true;
}

bool scenario_parser::each(pugi::xml_node parent, names child_names, element_reader read_one) {
    if (!check_attributes(parent, {})) {
        return false;
    }
    for (auto n = parent.first_child(); n; n = n.next_sibling()) {
        if (!check_no_text(n, parent)) {
            return false;
        }
        if (n.type() != pugi::node_element) {
            continue;
        }
        if (std::none_of(child_names.begin(), child_names.end(),
                         [&n](const char* name) { return std::strcmp(n.name(), name) == 0; })) {
            return fail(n, "unknown element <" + std::string(n.name()) + "> in <" + parent.name() +
                               ">");
        }
        if (!(this->*read_one)(n)) {
            return false;
        }
    }
    return true;
}

bool scenario_parser::check_attributes(pugi::xml_node n, names allowed) {
    for (auto a : n.attributes()) {
        if (std::none_of(allowed.begin(), allowed.end(),
                         [&a](const char* x) { return std::strcmp(a.name(), x) == 0; })) {
            return fail(n, "unknown attribute '" + std::string(a.name()) + "' on <" + n.name() +
                               ">");
        }
    }
    return true;
}

bool scenario_parser::check_children(pugi::xml_node n, names allowed) {
    for (auto c = n.first_child(); c; c = c.next_sibling()) {
        if (!check_no_text(c, n)) {
            return false;
        }
        if (c.type() == pugi::node_element &&
            std::none_of(allowed.begin(), allowed.end(),
                         [&c](const char* x) { return std::strcmp(c.name(), x) == 0; })) {
            return fail(c, "unknown element <" + std::string(c.name()) + "> in <" + n.name() +
                               ">");
        }
    }
    return true;
}

bool scenario_parser::require(pugi::xml_node n, const char* attr, std::string& out) {
    auto a = n.attribute(attr);
    if (!a) {
        return fail(n, "<" + std::string(n.name()) + "> is missing attribute '" + attr + "'");
    }
    out = a.value();
    return true;
}

bool scenario_parser::boolean(pugi::xml_node n, const char* attr, bool& out) {
    auto a = n.attribute(attr);
    if (!a) {
        return true;
    }
    std::string const v = a.value();
    if (v == "true" || v == "1") {
        out = true;
    } else if (v == "false" || v == "0") {
        out = false;
    } else {
        return fail(n, "<" + std::string(n.name()) + "> attribute " + attr +
                           ": expected true or false, got '" + v + "'");
    }
    return true;
}

bool scenario_parser::integer(pugi::xml_node n, const char* attr, std::int64_t& out,
                              bool required, std::int64_t min, std::int64_t max) {
    auto a = n.attribute(attr);
    if (!a) {
        if (required) {
            return fail(n, "<" + std::string(n.name()) + "> is missing attribute '" + attr + "'");
        }
        return true;
    }
    std::string const v = a.value();
    bool const negative = !v.empty() && v[0] == '-';
    std::size_t const first = negative ? 1 : 0;
    bool ok = v.size() > first && v.size() <= 18;
    std::int64_t value = 0;
    for (std::size_t i = first; ok && i < v.size(); ++i) {
        ok = std::isdigit(static_cast<unsigned char>(v[i])) != 0;
        value = value * 10 + (v[i] - '0');
    }
    value = negative ? -value : value;
    if (!ok || value < min || value > max) {
        return fail(n, "<" + std::string(n.name()) + "> attribute " + attr +
                           ": expected an integer from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + v + "'");
    }
    out = value;
    return true;
}

bool scenario_parser::read_text(pugi::xml_node n, std::string& out) {
    if (!check_attributes(n, {})) {
        return false;
    }
    for (auto c = n.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
            return fail(c, "unknown element <" + std::string(c.name()) + "> in <" + n.name() +
                               ">");
        }
    }
    out = n.text().get();
    return true;
}

}  // namespace detail

std::string scenario_error::to_string() const {
    return line == 0 ? file + ": " + problem : file + ":" + std::to_string(line) + ": " + problem;
}

scenario_result load_scenario_text(std::string_view xml, const std::string& name) {
    pugi::xml_document doc;
    auto const parsed =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        detail::line_index lines(xml);
        return scenario_error{name, lines.line_of(parsed.offset),
                              std::string("malformed XML: ") + parsed.description()};
    }
    detail::scenario_parser parser(xml, name);
    if (auto e = parser.read(doc)) {
        return *e;
    }
    return parser.take();
}

scenario_result load_scenario_file(const std::string& path) {
    auto const slash = path.find_last_of('/');
    std::string const name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return scenario_error{name, 0, "cannot open " + path};
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto result = load_scenario_text(text.str(), name);
    if (auto* s = std::get_if<scenario>(&result)) {
        s->source_path = path;
    }
    return result;
}

}  // namespace wsuslab::mitigation
