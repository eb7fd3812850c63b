#pragma once
// A small, safe expression language for form definitions: relevance (skip logic), computed
// values and constraints. No loops, no assignments, no access outside the form's own answers,
// so a form definition arriving by sync cannot do anything but compute.
//
//   literals     12  3.5  'text' "text"  true  false  null
//   fields       household_size      the current field's value: .
//   operators    or  and  not  = == != < <= > >=  + - * /  ( )
//   functions    count(group)  count(group, condition)  sum(group, expression)
//                selected(field, 'option')  count_selected(field)  answered(field)
//                if(condition, a, b)  min(a, ...)  max(a, ...)  round(x, digits)
//
// Inside count/sum the second argument is evaluated per row of the repeat group and may name the
// row's fields. Unanswered (or skipped) fields are null: arithmetic with null gives null, a
// comparison with null is false, sum/min/max skip nulls. Money is in yuan inside expressions.
// Parse errors carry the 1-based character position: Error("forms.expr.<reason>", {position,..}).
#include "client/core/result.hpp"
#include "decimal.hpp"

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core::forms {

enum class ValueType { Any, Number, Text, Bool, List };

struct Value {
    enum class Kind { Null, Bool, Number, Text, List };
    Kind kind = Kind::Null;
    bool boolean = false;
    Decimal number;
    std::string text;
    std::vector<std::string> list;

    static Value null() { return {}; }
    static Value ofBool(bool b);
    static Value ofNumber(Decimal n);
    static Value ofText(std::string s);
    static Value ofList(std::vector<std::string> l);
    bool isNull() const { return kind == Kind::Null; }
    bool truthy() const;
};

// What a name means where an expression is written (the form definition supplies this).
struct NameInfo {
    bool group = false; // a repeat group: only count()/sum() take it
    ValueType type = ValueType::Any;
    const std::set<std::string>* options = nullptr; // choice fields: their option ids
};

class Scope {
public:
    virtual ~Scope() = default;
    // The name's meaning, or an Error forms.expr.unknown_field / forward_reference /
    // row_field_outside_group with {name} (the parser adds {position}).
    virtual Result<NameInfo> resolve(const std::string& name) const = 0;
    // The scope inside a group's rows (its fields first, then this scope).
    virtual std::unique_ptr<Scope> rowScope(const std::string& group) const = 0;
    // Whether '.' (the field's own value) may appear, and its type.
    virtual bool selfAllowed() const { return false; }
    virtual ValueType selfType() const { return ValueType::Any; }
};

// Values at evaluation time.
class Env {
public:
    virtual ~Env() = default;
    virtual Value value(const std::string& name) const = 0;
    virtual Value self() const { return Value::null(); }
    virtual std::size_t rowCount(const std::string& group) const = 0;
    virtual std::unique_ptr<Env> row(const std::string& group, std::size_t index) const = 0;
};

namespace detail {
struct Node;
}

class Expression {
public:
    static Result<Expression> parse(std::string_view text, const Scope& scope);

    Value evaluate(const Env& env) const;
    const std::string& text() const { return m_text; }
    ValueType type() const;
    // Field names the expression reads (groups included), in order of appearance.
    const std::vector<std::string>& references() const { return m_references; }

private:
    std::shared_ptr<const detail::Node> m_root;
    std::string m_text;
    std::vector<std::string> m_references;
};

} // namespace zhuxue::core::forms
