#pragma once
// What a student is found by. buildSearchDocument() is the one function that decides it, so
// adding pinyin keys or dropping a field (e.g. the ID number once it is encrypted at rest) changes
// only this function and kSearchBuilderVersion; the store rebuilds the index on open when the
// stored builder version differs.
#include "client/core/records.hpp"
#include "field_codec.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::store {

inline constexpr int kSearchBuilderVersion = 3; // 2: pinyin keys of the name; 3: whole keys

struct SearchDocument {
    std::string name;  // trigram index, weighted higher: the name and its pinyin keys
    std::string other; // trigram index: ID number, phone tail, schools, township, village
    std::string chars; // short-query index: one token per character of the name and the keys
};

SearchDocument buildSearchDocument(const Student& student, const FieldCodec& codec);

// The code points of UTF-8 text as separate UTF-8 strings (invalid bytes stand alone).
std::vector<std::string> splitCodePoints(std::string_view utf8);

} // namespace zhuxue::store
