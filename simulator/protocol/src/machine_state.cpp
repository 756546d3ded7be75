// machine_state equality and processor architecture codes.
#include <wsuslab/protocol/machine_state.hpp>

#include "applicability_rule.hpp"

namespace wsuslab::protocol {

bool operator==(const machine_state& a, const machine_state& b) {
    return a.registry == b.registry && a.registry_types == b.registry_types && a.files == b.files &&
           a.file_details == b.file_details && a.os_major == b.os_major &&
           a.os_minor == b.os_minor && a.os_build == b.os_build && a.sp_major == b.sp_major &&
           a.sp_minor == b.sp_minor && a.product_type == b.product_type &&
           a.suite_mask == b.suite_mask && a.processor_architecture == b.processor_architecture &&
           a.processor_level == b.processor_level && a.processor_revision == b.processor_revision &&
           a.processor_count == b.processor_count && a.language == b.language &&
           a.mui_installed == b.mui_installed && a.mui_languages == b.mui_languages &&
           a.system_metrics == b.system_metrics && a.memory_mb == b.memory_mb && a.wmi == b.wmi &&
           a.licenses == b.licenses && a.msi_products == b.msi_products &&
           a.cbs_packages == b.cbs_packages && a.product_releases == b.product_releases &&
           a.device_attributes == b.device_attributes && a.generic_queries == b.generic_queries &&
           a.clustered == b.clustered && a.cluster_resources == b.cluster_resources;
}

std::optional<std::uint16_t> architecture_code(const std::string& name) {
    // SYSTEM_INFO wProcessorArchitecture values (PROCESSOR_ARCHITECTURE_*).
    std::string const n = lower_copy(name);
    if (n == "x86") {
        return 0;
    }
    if (n == "arm") {
        return 5;
    }
    if (n == "ia64") {
        return 6;
    }
    if (n == "amd64" || n == "x64") {
        return 9;
    }
    if (n == "arm64") {
        return 12;
    }
    auto const code = detail::parse_integer(name, 0, 0xFFFF);
    if (code && !name.empty() && name[0] != '+' && name[0] != '-') {
        return static_cast<std::uint16_t>(*code);
    }
    return std::nullopt;
}

}  // namespace wsuslab::protocol
