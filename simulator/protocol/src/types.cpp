#include <wsuslab/protocol/types.hpp>

#include <array>
#include <cstddef>

namespace wsuslab::protocol {
namespace {

// The DeploymentAction enumeration of docs/protocol-notes.md §4.6, in enum order.
constexpr std::array<std::string_view, 7> action_names{{
    "OptionalInstall",
    "Install",
    "Uninstall",
    "PreDeploymentCheck",
    "Block",
    "Evaluate",
    "Bundle",
}};

}  // namespace

std::string_view deployment_action_name(deployment_action a) {
    return action_names.at(static_cast<std::size_t>(a));
}

std::optional<deployment_action> deployment_action_from_name(std::string_view name) {
    for (std::size_t i = 0; i < action_names.size(); ++i) {
        if (action_names[i] == name) {
            return static_cast<deployment_action>(i);
        }
    }
    return std::nullopt;
}

}  // namespace wsuslab::protocol
