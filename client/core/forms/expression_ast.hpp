#pragma once
// The parsed form of an Expression, shared by the parser (expression.cpp) and the evaluator
// (expression_eval.cpp). Internal to client/core/forms.
#include "expression.hpp"

#include <string>
#include <vector>

namespace zhuxue::core::forms {

namespace detail {

enum class Fn { Count, Sum, Selected, CountSelected, Answered, If, Min, Max, Round };

struct Node {
    enum class Kind { Literal, Field, Self, Not, Neg, And, Or, Compare, Arith, Call };
    Kind kind = Kind::Literal;
    std::size_t position = 0;
    Value literal;
    std::string name; // field or group name; operator text for Compare/Arith
    Fn fn = Fn::Count;
    std::vector<Node> kids;
    ValueType type = ValueType::Any;
};

} // namespace detail

} // namespace zhuxue::core::forms
