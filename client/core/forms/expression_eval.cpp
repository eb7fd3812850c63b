#include "expression_ast.hpp"

#include <algorithm>
#include <optional>

namespace zhuxue::core::forms {

namespace {
using detail::Fn;
using detail::Node;

Value eval(const Node& n, const Env& env);

std::optional<int> compareValues(const Value& a, const Value& b) {
    if (a.kind != b.kind || a.isNull())
        return std::nullopt;
    switch (a.kind) {
    case Value::Kind::Number:
        return a.number < b.number ? -1 : (b.number < a.number ? 1 : 0);
    case Value::Kind::Text:
        return a.text < b.text ? -1 : (b.text < a.text ? 1 : 0);
    case Value::Kind::Bool:
        return static_cast<int>(a.boolean) - static_cast<int>(b.boolean);
    default:
        return std::nullopt;
    }
}

Value evalCall(const Node& n, const Env& env) {
    switch (n.fn) {
    case Fn::Count:
    case Fn::Sum: {
        const std::string& group = n.kids[0].name;
        const std::size_t rows = env.rowCount(group);
        if (n.fn == Fn::Count && n.kids.size() == 1)
            return Value::ofNumber(Decimal::fromInt(static_cast<std::int64_t>(rows)));
        Decimal total;
        std::int64_t count = 0;
        for (std::size_t i = 0; i < rows; ++i) {
            auto rowEnv = env.row(group, i);
            Value v = eval(n.kids[1], *rowEnv);
            if (n.fn == Fn::Count) {
                count += v.truthy() ? 1 : 0;
            } else if (v.kind == Value::Kind::Number) {
                auto s = add(total, v.number);
                if (!s)
                    return Value::null();
                total = *s;
            }
        }
        return Value::ofNumber(n.fn == Fn::Count ? Decimal::fromInt(count) : total);
    }
    case Fn::Selected: {
        Value v = eval(n.kids[0], env);
        const std::string& opt = n.kids[1].literal.text;
        if (v.kind == Value::Kind::Text)
            return Value::ofBool(v.text == opt);
        if (v.kind == Value::Kind::List)
            return Value::ofBool(std::find(v.list.begin(), v.list.end(), opt) != v.list.end());
        return Value::ofBool(false);
    }
    case Fn::CountSelected: {
        Value v = eval(n.kids[0], env);
        return Value::ofNumber(Decimal::fromInt(
            v.kind == Value::Kind::List ? static_cast<std::int64_t>(v.list.size()) : 0));
    }
    case Fn::Answered:
        return Value::ofBool(!eval(n.kids[0], env).isNull());
    case Fn::If:
        return eval(n.kids[0], env).truthy() ? eval(n.kids[1], env) : eval(n.kids[2], env);
    case Fn::Min:
    case Fn::Max: {
        std::optional<Decimal> best;
        for (const auto& k : n.kids) {
            Value v = eval(k, env);
            if (v.kind != Value::Kind::Number)
                continue;
            if (!best || (n.fn == Fn::Min ? v.number < *best : *best < v.number))
                best = v.number;
        }
        return best ? Value::ofNumber(*best) : Value::null();
    }
    case Fn::Round: {
        Value v = eval(n.kids[0], env);
        if (v.kind != Value::Kind::Number)
            return Value::null();
        return Value::ofNumber(
            v.number.rounded(static_cast<int>(n.kids[1].literal.number.units() / Decimal::kScale)));
    }
    }
    return Value::null();
}

Value eval(const Node& n, const Env& env) {
    switch (n.kind) {
    case Node::Kind::Literal:
        return n.literal;
    case Node::Kind::Field:
        return env.value(n.name);
    case Node::Kind::Self:
        return env.self();
    case Node::Kind::Not:
        return Value::ofBool(!eval(n.kids[0], env).truthy());
    case Node::Kind::And:
        return Value::ofBool(eval(n.kids[0], env).truthy() && eval(n.kids[1], env).truthy());
    case Node::Kind::Or:
        return Value::ofBool(eval(n.kids[0], env).truthy() || eval(n.kids[1], env).truthy());
    case Node::Kind::Neg: {
        Value v = eval(n.kids[0], env);
        if (v.kind != Value::Kind::Number)
            return Value::null();
        auto r = subtract(Decimal(), v.number);
        return r ? Value::ofNumber(*r) : Value::null();
    }
    case Node::Kind::Compare: {
        auto c = compareValues(eval(n.kids[0], env), eval(n.kids[1], env));
        if (!c)
            return Value::ofBool(false);
        const std::string& op = n.name;
        bool r = op == "="    ? *c == 0
                 : op == "!=" ? *c != 0
                 : op == "<"  ? *c < 0
                 : op == "<=" ? *c <= 0
                 : op == ">"  ? *c > 0
                              : *c >= 0;
        return Value::ofBool(r);
    }
    case Node::Kind::Arith: {
        Value a = eval(n.kids[0], env), b = eval(n.kids[1], env);
        if (a.kind != Value::Kind::Number || b.kind != Value::Kind::Number)
            return Value::null();
        std::optional<Decimal> r;
        switch (n.name[0]) {
        case '+':
            r = add(a.number, b.number);
            break;
        case '-':
            r = subtract(a.number, b.number);
            break;
        case '*':
            r = multiply(a.number, b.number);
            break;
        default:
            r = divide(a.number, b.number);
            break;
        }
        return r ? Value::ofNumber(*r) : Value::null();
    }
    case Node::Kind::Call:
        return evalCall(n, env);
    }
    return Value::null();
}
} // namespace

Value Expression::evaluate(const Env& env) const {
    return m_root ? eval(*m_root, env) : Value::null();
}

} // namespace zhuxue::core::forms
