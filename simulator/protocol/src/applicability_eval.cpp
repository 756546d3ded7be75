// Evaluating applicability rules: logical rules, the error value and the entry points.
// docs/applicability-rules.md §5 explains why an error is neither true nor false.
#include <wsuslab/protocol/applicability.hpp>

#include <algorithm>
#include <string>

#include "applicability_eval.hpp"

namespace wsuslab::protocol {
namespace detail {

rule_value fail(eval_context& ctx, const rule& r, const std::string& why) {
    ctx.notes.push_back(r.name + ": " + why);
    return rule_value::error;
}

namespace {

// And / Or stop at the first child that decides the result or evaluates to an error: the
// evaluator reports the child's error (our reading of an HRESULT-returning evaluator,
// docs/applicability-rules.md §5).
rule_value eval_sequence(const rule& r, eval_context& ctx, rule_value decisive) {
    for (auto const& c : r.children) {
        rule_value const v = eval_rule(*c, ctx);
        if (v == rule_value::error || v == decisive) {
            return v;
        }
    }
    return decisive == rule_value::is_true ? rule_value::is_false : rule_value::is_true;
}

rule_value eval_logical(const rule& r, eval_context& ctx) {
    switch (r.kind) {
        case rule_kind::logical_and: return eval_sequence(r, ctx, rule_value::is_false);
        case rule_kind::logical_or: return eval_sequence(r, ctx, rule_value::is_true);
        case rule_kind::logical_not: {
            rule_value const v = eval_rule(*r.children.front(), ctx);
            if (v == rule_value::error) {
                return v;
            }
            return from_bool(v == rule_value::is_false);
        }
        case rule_kind::constant_true: return rule_value::is_true;
        default: return rule_value::is_false;
    }
}

}  // namespace

rule_value eval_rule(const rule& r, eval_context& ctx) {
    if (is_registry_kind(r.kind)) {
        return eval_registry(r, ctx);
    }
    if (is_file_kind(r.kind)) {
        return eval_file(r, ctx);
    }
    switch (r.kind) {
        case rule_kind::logical_and:
        case rule_kind::logical_or:
        case rule_kind::logical_not:
        case rule_kind::constant_true:
        case rule_kind::constant_false:
            return eval_logical(r, ctx);
        case rule_kind::unknown:
            return fail(ctx, r, "unknown rule element; the agent's evaluator reports "
                                "WU_E_EE_UNKNOWN_EXPRESSION (0x8024E001)");
        case rule_kind::invalid: {
            std::string why = r.problem;
            if (why.rfind(r.name + ": ", 0) == 0) {
                why.erase(0, r.name.size() + 2);
            }
            return fail(ctx, r, why + "; the agent's evaluator reports "
                                      "WU_E_EE_INVALID_EXPRESSION (0x8024E002)");
        }
        case rule_kind::driver_rule:
            return fail(ctx, r, "driver rules are not modelled by the lab (no device list)");
        case rule_kind::plain_element:
            return fail(ctx, r, "not a rule");
        default:
            break;
    }
    return eval_system(r, ctx);
}

}  // namespace detail

rule_evaluation evaluate_rule(const rule_ptr& r, const machine_state& m, const rule_ptr& metadata) {
    rule_evaluation out;
    if (!r) {
        return out;
    }
    detail::eval_context ctx{m, metadata.get(), out.notes, {}};
    out.value = detail::eval_rule(*r, ctx);
    return out;
}

bool evaluate(const rule_ptr& r, const machine_state& m, bool if_null) {
    return r ? evaluate_rule(r, m).value == rule_value::is_true : if_null;
}

applicability_evaluation evaluate_applicability(const applicability_rules& rules,
                                                const machine_state& m) {
    applicability_evaluation out;
    out.notes = rules.notes;
    auto section = [&](const char* name, const rule_ptr& r, rule_value if_null) {
        if (!r) {
            return if_null;
        }
        auto e = evaluate_rule(r, m, rules.metadata);
        for (auto& note : e.notes) {
            out.notes.push_back(std::string(name) + ": " + note);
        }
        return e.value;
    };
    out.is_installed = section("IsInstalled", rules.is_installed, rule_value::is_false);
    if (out.is_installed == rule_value::is_true) {
        out.state = applicability_state::installed;
        return out;
    }
    out.is_superseded = section("IsSuperseded", rules.is_superseded, rule_value::is_false);
    out.is_installable = section("IsInstallable", rules.is_installable, rule_value::is_true);
    bool const needed = out.is_installed == rule_value::is_false &&
                        out.is_superseded == rule_value::is_false &&
                        out.is_installable == rule_value::is_true;
    out.state = needed ? applicability_state::needed : applicability_state::not_applicable;
    return out;
}

applicability_state evaluate_state(const applicability_rules& rules, const machine_state& m) {
    return evaluate_applicability(rules, m).state;
}

}  // namespace wsuslab::protocol
