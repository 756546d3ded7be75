#pragma once
// Internal: the parsed form of one applicability rule, shared by the parser
// (applicability.cpp) and the evaluator (applicability_eval.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <wsuslab/protocol/applicability.hpp>

namespace wsuslab::protocol {

enum class rule_kind {
    logical_and,
    logical_or,
    logical_not,
    constant_true,
    constant_false,
    reg_key_exists,
    reg_value_exists,
    reg_sz,
    reg_dword,
    reg_sz_to_version,
    file_exists,
    file_version,
    windows_version,
    windows_language,
    processor,
};

enum class comparison {
    equal_to,
    not_equal_to,
    less_than,
    less_than_or_equal_to,
    greater_than,
    greater_than_or_equal_to,
    contains,
    begins_with,
    ends_with,
};

class rule {
public:
    rule_kind kind = rule_kind::constant_true;
    std::string name;  ///< the element name as written, e.g. "b.RegSz" or "lar.And"
    std::vector<std::pair<std::string, std::string>> attributes;  ///< as written, in order
    std::vector<rule_ptr> children;

    comparison cmp = comparison::equal_to;
    std::string reg_key;                    ///< "HKEY_LOCAL_MACHINE\\Sub\\Key"
    std::optional<std::string> reg_value;   ///< value name
    std::string data;                       ///< Data / Version / Language / Architecture
    std::uint32_t dword = 0;                ///< b.RegDword Data
    std::string file_path;                  ///< resolved full path (Csidl applied)
    std::optional<std::string> file_version;  ///< b.FileExists Version (exact)
    /// b.WindowsVersion: MajorVersion, MinorVersion, BuildNumber, ServicePackMajor,
    /// ServicePackMinor; compared lexicographically over the ones present.
    std::vector<std::pair<std::size_t, std::int32_t>> version_parts;
    std::optional<std::int32_t> product_type;
};

namespace detail {
/// Four-part dotted version, missing parts 0; nullopt when not a version.
std::optional<std::vector<std::uint32_t>> parse_version(const std::string& text);
/// -1, 0, 1.
int compare_versions(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);
bool iequals(const std::string& a, const std::string& b);
}  // namespace detail

}  // namespace wsuslab::protocol
