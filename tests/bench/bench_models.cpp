// Google Benchmark: both GetSyncInfo models on generated catalogues of 10k, 100k and 1M revisions
// with a client that caches 1,000 revision IDs (docs/performance.md). Not part of ctest.
//
// Catalogue shape (per n): 1 % root detectoids/categories, 9 % second-layer detectoids that need
// one root, 90 % leaf software updates that need one or two second-layer detectoids; every tenth
// leaf update has a second revision, every twentieth bundles the next leaf; 95 % of the leaves
// are deployed to "All Computers", some also to "Desktops" (a different revision, so there are
// no duplicate rows). The client reports 100 installed non-leaf and 900 other cached IDs.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <wsuslab/mitigation/catalog.hpp>
#include <wsuslab/mitigation/get_sync_info.hpp>

namespace {

using namespace wsuslab::mitigation;

std::string guid(std::uint32_t n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n * 2654435761U);
    return buf;
}

struct workload {
    std::unique_ptr<catalog> c;
    sync_request request;
};

workload make_workload(std::size_t n) {
    std::vector<revision> revs;
    std::vector<deployment_row> rows;
    revs.reserve(n);
    std::size_t const roots = n / 100;
    std::size_t const layer2 = n * 9 / 100;
    std::int32_t deployment = 1;
    std::uint32_t update = 0;
    for (std::size_t i = 0; i < n; ++i) {
        revision r;
        r.revision_id = static_cast<std::int32_t>(i + 1);
        r.revision_number = 1;
        if (i < roots) {
            r.type = i % 3 == 0 ? update_type::category : update_type::detectoid;
        } else if (i < roots + layer2) {
            r.type = update_type::detectoid;
            r.prerequisites.push_back({{revs[i % roots].update_id}, false});
        } else {
            r.type = update_type::software;
            std::size_t const a = roots + (i * 7) % layer2;
            std::size_t const b = roots + (i * 13) % layer2;
            r.prerequisites.push_back({{revs[a].update_id, revs[b].update_id}, false});
        }
        bool const second_revision =
            r.type == update_type::software && i % 10 == 1 && i - 1 >= roots + layer2;
        r.update_id = second_revision ? revs[i - 1].update_id : guid(++update);
        r.revision_number = second_revision ? 2 : 1;
        r.core_xml = "<UpdateIdentity UpdateID=\"" + r.update_id + "\" RevisionNumber=\"" +
                     std::to_string(r.revision_number) +
                     "\" /><Properties UpdateType=\"Software\" />";
        if (r.type == update_type::software && i % 20 == 0 && i + 1 < n) {
            r.bundled_revisions.push_back({static_cast<std::int32_t>(i + 2)});
        }
        if (r.type == update_type::software && i % 20 != 19) {
            deployment_row d;
            d.deployment_id = deployment++;
            d.revision_id = r.revision_id;
            d.target_group = i % 7 == 0 ? "Desktops" : all_computers_group;
            d.last_change_time = i % 2 == 0 ? "2008-06-10" : "2008-05-13";
            rows.push_back(std::move(d));
        }
        revs.push_back(std::move(r));
    }
    workload w;
    w.c = std::make_unique<catalog>(std::move(revs), std::move(rows));
    w.request.groups = {all_computers_group, "Desktops"};
    for (std::size_t k = 0; k < 100; ++k) {  // installed roots and detectoids
        w.request.installed_non_leaf.push_back(static_cast<std::int32_t>(1 + (k * roots / 100)));
    }
    for (std::size_t k = 0; k < 900; ++k) {  // other cached: leaves spread over the catalogue
        w.request.other_cached.push_back(
            static_cast<std::int32_t>(roots + layer2 + 1 + k * (n - roots - layer2) / 900));
    }
    w.request.watermark = "2008-06-01";
    return w;
}

// Catalogues are built once per size and kept for the process (the 1M one takes a few seconds).
const workload& get_workload(std::size_t n) {
    static std::map<std::size_t, workload> cache;
    auto it = cache.find(n);
    if (it == cache.end()) {
        it = cache.emplace(n, make_workload(n)).first;
    }
    return it->second;
}

void run_model(benchmark::State& state, model_kind kind) {
    workload const& w = get_workload(static_cast<std::size_t>(state.range(0)));
    auto const model = make_model(kind);
    std::size_t sent = 0;
    for (auto _ : state) {
        sync_outcome o = model->get_sync_info(*w.c, w.request);
        auto const& r = std::get<sync_result>(o);
        sent = r.new_updates.size();
        benchmark::DoNotOptimize(r.new_updates.data());
    }
    state.counters["new_updates"] = static_cast<double>(sent);
    state.counters["revisions"] = static_cast<double>(w.c->size());
    state.SetComplexityN(state.range(0));
}

void BM_LegacySyncUpdates(benchmark::State& state) {
    run_model(state, model_kind::legacy);
}
void BM_FixedSyncUpdates(benchmark::State& state) {
    run_model(state, model_kind::fixed);
}

void BM_CatalogBuild(benchmark::State& state) {
    auto const n = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        workload const& w = get_workload(n);
        std::vector<revision> revs = w.c->revisions();
        std::vector<deployment_row> rows = w.c->deployments();
        state.ResumeTiming();
        catalog c(std::move(revs), std::move(rows));
        benchmark::DoNotOptimize(c.size());
    }
    state.SetComplexityN(state.range(0));
}

BENCHMARK(BM_LegacySyncUpdates)
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK(BM_FixedSyncUpdates)
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK(BM_CatalogBuild)
    ->RangeMultiplier(10)
    ->Range(10000, 1000000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
