#include <memory>
#include <string_view>

#include <wsuslab/mitigation/get_sync_info.hpp>

namespace wsuslab::mitigation {

std::string_view model_name(model_kind k) {
    return k == model_kind::legacy ? "legacy" : "fixed";
}

std::unique_ptr<get_sync_info_model> make_model(model_kind k) {
    return k == model_kind::legacy ? make_legacy_model() : make_fixed_model();
}

}  // namespace wsuslab::mitigation
