// Fuzzes form definitions (client/core/forms): indicator tables and home-visit forms arrive as
// data synced from the server, so a malformed file must become an error, never a crash. The
// input is a definition, optionally followed by a line "\n----answers----\n" and answers JSON,
// which are then evaluated against the definition (expressions, relevance, scoring, levels).
#include "client/core/forms/form_definition.hpp"
#include "client/core/forms/form_instance.hpp"
#include "fuzz_target.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

using namespace zhuxue::core::forms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view kSep = "\n----answers----\n";
    std::string_view def = all, answersText;
    if (auto at = all.find(kSep); at != std::string_view::npos) {
        def = all.substr(0, at);
        answersText = all.substr(at + kSep.size());
    }
    auto form = parseFormDefinition(def, "fuzz.json");
    if (!form)
        return 0;
    auto answers = nlohmann::json::parse(answersText.begin(), answersText.end(), nullptr, false);
    if (answers.is_discarded() || !answers.is_object())
        answers = nlohmann::json::object();
    auto eval = evaluateForm(*form, answers);
    (void)eval.complete();
    (void)eval.values.dump();
    return 0;
}
