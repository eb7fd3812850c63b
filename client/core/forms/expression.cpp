#include "expression_ast.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace zhuxue::core::forms {

Value Value::ofBool(bool b) {
    Value v;
    v.kind = Kind::Bool;
    v.boolean = b;
    return v;
}
Value Value::ofNumber(Decimal n) {
    Value v;
    v.kind = Kind::Number;
    v.number = n;
    return v;
}
Value Value::ofText(std::string s) {
    Value v;
    v.kind = Kind::Text;
    v.text = std::move(s);
    return v;
}
Value Value::ofList(std::vector<std::string> l) {
    Value v;
    v.kind = Kind::List;
    v.list = std::move(l);
    return v;
}
bool Value::truthy() const {
    switch (kind) {
    case Kind::Null:
        return false;
    case Kind::Bool:
        return boolean;
    case Kind::Number:
        return !number.isZero();
    case Kind::Text:
        return !text.empty();
    case Kind::List:
        return !list.empty();
    }
    return false;
}

namespace {
using detail::Fn;
using detail::Node;

Node makeNode(Node::Kind kind, std::size_t position) {
    Node n;
    n.kind = kind;
    n.position = position;
    return n;
}

struct Token {
    enum class Kind { Number, String, Ident, Dot, LParen, RParen, Comma, Op, End };
    Kind kind = Kind::End;
    std::string text;
    std::size_t position = 0; // 1-based, in characters
};

constexpr std::array<std::pair<std::string_view, Fn>, 9> kFunctions{{
    {"count", Fn::Count},
    {"sum", Fn::Sum},
    {"selected", Fn::Selected},
    {"count_selected", Fn::CountSelected},
    {"answered", Fn::Answered},
    {"if", Fn::If},
    {"min", Fn::Min},
    {"max", Fn::Max},
    {"round", Fn::Round},
}};

const char* typeName(ValueType t) {
    switch (t) {
    case ValueType::Any:
        return "any";
    case ValueType::Number:
        return "number";
    case ValueType::Text:
        return "text";
    case ValueType::Bool:
        return "boolean";
    case ValueType::List:
        return "list";
    }
    return "any";
}

class Lexer {
public:
    explicit Lexer(std::string_view s) : m_s(s) {}

    Result<std::vector<Token>> run() {
        std::vector<Token> out;
        while (true) {
            skipSpace();
            Token t;
            t.position = m_chars + 1;
            if (m_i >= m_s.size()) {
                out.push_back(t);
                return out;
            }
            char c = m_s[m_i];
            if (isDigit(c)) {
                t.kind = Token::Kind::Number;
                while (m_i < m_s.size() && (isDigit(m_s[m_i]) || m_s[m_i] == '.'))
                    t.text += take();
                if (!Decimal::parse(t.text))
                    return Error("forms.expr.bad_number",
                                 {{"position", std::to_string(t.position)}, {"found", t.text}});
            } else if (isIdentStart(c)) {
                t.kind = Token::Kind::Ident;
                while (m_i < m_s.size() && (isIdentStart(m_s[m_i]) || isDigit(m_s[m_i])))
                    t.text += take();
            } else if (c == '\'' || c == '"') {
                t.kind = Token::Kind::String;
                take();
                while (m_i < m_s.size() && m_s[m_i] != c)
                    t.text += take();
                if (m_i >= m_s.size())
                    return Error("forms.expr.unterminated_string",
                                 {{"position", std::to_string(t.position)}});
                take();
            } else if (c == '.') {
                t.kind = Token::Kind::Dot;
                t.text = take();
            } else if (c == '(' || c == ')' || c == ',') {
                t.kind = c == '(' ? Token::Kind::LParen
                                  : (c == ')' ? Token::Kind::RParen : Token::Kind::Comma);
                t.text = take();
            } else if (std::string_view("+-*/=!<>").find(c) != std::string_view::npos) {
                t.kind = Token::Kind::Op;
                t.text = take();
                if (m_i < m_s.size() && m_s[m_i] == '=' && t.text != "+" && t.text != "-" &&
                    t.text != "*" && t.text != "/")
                    t.text += take();
                if (t.text == "!")
                    return Error("forms.expr.unexpected",
                                 {{"position", std::to_string(t.position)}, {"found", "!"}});
            } else {
                // Report the whole character, not a byte of it.
                std::string ch(1, take());
                while (m_i < m_s.size() && (static_cast<unsigned char>(m_s[m_i]) & 0xC0) == 0x80)
                    ch += m_s[m_i++];
                return Error("forms.expr.unexpected",
                             {{"position", std::to_string(t.position)}, {"found", ch}});
            }
            out.push_back(std::move(t));
        }
    }

private:
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }
    static bool isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    char take() {
        char c = m_s[m_i++];
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++m_chars;
        // A multi-byte character counts once: continuation bytes of it are taken by the caller.
        return c;
    }
    void skipSpace() {
        while (m_i < m_s.size() &&
               (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            take();
    }
    std::string_view m_s;
    std::size_t m_i = 0;
    std::size_t m_chars = 0;
};

class Parser {
public:
    Parser(std::vector<Token> tokens, const Scope& scope, std::vector<std::string>& refs)
        : m_t(std::move(tokens)), m_scope(&scope), m_refs(refs) {}

    Result<Node> run() {
        auto n = parseOr();
        if (!n)
            return n;
        if (peek().kind != Token::Kind::End)
            return unexpected(peek());
        return n;
    }

private:
    const Token& peek() const { return m_t[m_pos]; }
    Token next() { return m_t[m_pos < m_t.size() - 1 ? m_pos++ : m_pos]; }
    bool isWord(const char* w) const {
        return peek().kind == Token::Kind::Ident && peek().text == w;
    }
    bool isOp(std::initializer_list<const char*> ops) const {
        if (peek().kind != Token::Kind::Op)
            return false;
        for (auto o : ops)
            if (peek().text == o)
                return true;
        return false;
    }
    static Error at(const std::string& reason, std::size_t position,
                    std::map<std::string, std::string> args = {}) {
        args["position"] = std::to_string(position);
        return Error("forms.expr." + reason, std::move(args));
    }
    static Error unexpected(const Token& t) {
        return at(t.kind == Token::Kind::End ? "unexpected_end" : "unexpected", t.position,
                  {{"found", t.text}});
    }
    static Error typeError(const Node& n, ValueType expected) {
        return at("type", n.position,
                  {{"expected", typeName(expected)}, {"found", typeName(n.type)}});
    }
    static bool fits(ValueType have, ValueType want) {
        return have == ValueType::Any || want == ValueType::Any || have == want;
    }
    Result<Node> expectType(Result<Node> n, ValueType want) {
        if (n && !fits(n->type, want))
            return typeError(*n, want);
        return n;
    }
    Status expect(Token::Kind kind) {
        if (peek().kind != kind)
            return unexpected(peek());
        next();
        return {};
    }

    // Nesting is bounded so a hostile definition cannot exhaust the stack.
    static constexpr int kMaxDepth = 64;
    struct Depth {
        explicit Depth(int& d) : m_d(++d) {}
        ~Depth() { --m_d; }
        int& m_d;
    };
    bool tooDeep() const { return m_depth > kMaxDepth; }
    Error deepError() const { return at("too_deep", peek().position); }

    // Left-associative chains: a or b or c; a and b and c (operands of any type, a Bool result).
    Result<Node> parseLogicalChain(Result<Node> (Parser::*operand)(), const char* word,
                                   Node::Kind kind) {
        auto left = (this->*operand)();
        while (left && isWord(word)) {
            Node n = makeNode(kind, next().position);
            auto right = (this->*operand)();
            if (!right)
                return right;
            n.type = ValueType::Bool;
            n.kids = {std::move(*left), std::move(*right)};
            left = std::move(n);
        }
        return left;
    }
    Result<Node> parseOr() {
        Depth guard(m_depth);
        if (tooDeep())
            return deepError();
        return parseLogicalChain(&Parser::parseAnd, "or", Node::Kind::Or);
    }
    Result<Node> parseAnd() { return parseLogicalChain(&Parser::parseNot, "and", Node::Kind::And); }
    Result<Node> parseNot() {
        Depth guard(m_depth);
        if (tooDeep())
            return deepError();
        if (isWord("not")) {
            Node n = makeNode(Node::Kind::Not, next().position);
            auto operand = parseNot();
            if (!operand)
                return operand;
            n.type = ValueType::Bool;
            n.kids.push_back(std::move(*operand));
            return n;
        }
        return parseCompare();
    }
    Result<Node> parseCompare() {
        auto left = parseAdd();
        if (!left || !isOp({"=", "==", "!=", "<", "<=", ">", ">="}))
            return left;
        Token op = next();
        auto right = parseAdd();
        if (!right)
            return right;
        const bool ordering = op.text != "=" && op.text != "==" && op.text != "!=";
        for (const Node* side : {&*left, &*right})
            if (side->type == ValueType::List || (ordering && side->type == ValueType::Bool))
                return at("type", side->position,
                          {{"expected", "number"}, {"found", typeName(side->type)}});
        if (!fits(left->type, right->type))
            return typeError(*right, left->type);
        Node n = makeNode(Node::Kind::Compare, op.position);
        n.name = op.text == "==" ? "=" : op.text;
        n.type = ValueType::Bool;
        n.kids = {std::move(*left), std::move(*right)};
        return n;
    }
    // Operands must be numbers only once an operator joins them; a lone operand keeps its type.
    // Left-associative: a + b - c, a * b / c.
    Result<Node> parseArithChain(Result<Node> (Parser::*operand)(),
                                 std::initializer_list<const char*> ops) {
        auto left = (this->*operand)();
        while (left && isOp(ops)) {
            if (!fits(left->type, ValueType::Number))
                return typeError(*left, ValueType::Number);
            Token op = next();
            auto right = expectType((this->*operand)(), ValueType::Number);
            if (!right)
                return right;
            Node n = makeNode(Node::Kind::Arith, op.position);
            n.name = op.text;
            n.type = ValueType::Number;
            n.kids = {std::move(*left), std::move(*right)};
            left = std::move(n);
        }
        return left;
    }
    Result<Node> parseAdd() { return parseArithChain(&Parser::parseMul, {"+", "-"}); }
    Result<Node> parseMul() { return parseArithChain(&Parser::parseUnary, {"*", "/"}); }
    Result<Node> parseUnary() {
        Depth guard(m_depth);
        if (tooDeep())
            return deepError();
        if (isOp({"-"})) {
            Node n = makeNode(Node::Kind::Neg, next().position);
            auto operand = expectType(parseUnary(), ValueType::Number);
            if (!operand)
                return operand;
            n.type = ValueType::Number;
            n.kids.push_back(std::move(*operand));
            return n;
        }
        return parsePrimary();
    }

    Result<Node> fieldRef(const Token& t, bool allowGroup) {
        auto info = m_scope->resolve(t.text);
        if (!info) {
            Error e = info.error();
            e.args["position"] = std::to_string(t.position);
            e.args["name"] = t.text;
            return e;
        }
        if (info->group && !allowGroup)
            return at("group_as_value", t.position, {{"name", t.text}});
        if (!info->group && allowGroup)
            return at("not_a_group", t.position, {{"name", t.text}});
        m_refs.push_back(t.text);
        Node n = makeNode(Node::Kind::Field, t.position);
        n.name = t.text;
        n.type = info->type;
        m_lastOptions = info->options;
        return n;
    }

    Result<Node> parsePrimary() {
        Token t = next();
        switch (t.kind) {
        case Token::Kind::Number: {
            Node n = makeNode(Node::Kind::Literal, t.position);
            n.literal = Value::ofNumber(*Decimal::parse(t.text));
            n.type = ValueType::Number;
            return n;
        }
        case Token::Kind::String: {
            Node n = makeNode(Node::Kind::Literal, t.position);
            n.literal = Value::ofText(t.text);
            n.type = ValueType::Text;
            return n;
        }
        case Token::Kind::Dot: {
            if (!m_scope->selfAllowed())
                return at("self_not_allowed", t.position);
            Node n = makeNode(Node::Kind::Self, t.position);
            n.type = m_scope->selfType();
            return n;
        }
        case Token::Kind::LParen: {
            auto inner = parseOr();
            if (!inner)
                return inner;
            if (auto s = expect(Token::Kind::RParen); !s)
                return s.error();
            return inner;
        }
        case Token::Kind::Ident: {
            if (t.text == "true" || t.text == "false") {
                Node n = makeNode(Node::Kind::Literal, t.position);
                n.literal = Value::ofBool(t.text == "true");
                n.type = ValueType::Bool;
                return n;
            }
            if (t.text == "null") {
                Node n = makeNode(Node::Kind::Literal, t.position);
                return n;
            }
            if (t.text == "and" || t.text == "or" || t.text == "not")
                return unexpected(t);
            if (peek().kind == Token::Kind::LParen)
                return parseCall(t);
            return fieldRef(t, false);
        }
        default:
            return unexpected(t);
        }
    }

    Result<Node> parseCall(const Token& name) {
        auto fn = std::find_if(kFunctions.begin(), kFunctions.end(),
                               [&](auto& f) { return f.first == name.text; });
        if (fn == kFunctions.end())
            return at("unknown_function", name.position, {{"name", name.text}});
        next(); // (
        Node n = makeNode(Node::Kind::Call, name.position);
        n.fn = fn->second;
        n.name = name.text;
        auto arity = [&](std::size_t lo, std::size_t hi) -> Status {
            if (n.kids.size() < lo || n.kids.size() > hi)
                return at("arity", name.position,
                          {{"name", name.text},
                           {"expected", lo == hi ? std::to_string(lo)
                                                 : std::to_string(lo) + "-" +
                                                       (hi > 99 ? "…" : std::to_string(hi))}});
            return {};
        };

        const bool groupFirst = n.fn == Fn::Count || n.fn == Fn::Sum;
        const Scope* outer = m_scope;
        std::unique_ptr<Scope> rows;
        const std::set<std::string>* choiceOptions = nullptr;
        if (peek().kind != Token::Kind::RParen) {
            while (true) {
                Result<Node> arg = Error();
                if (n.kids.empty() && groupFirst) {
                    Token g = next();
                    if (g.kind != Token::Kind::Ident)
                        return at("not_a_group", g.position, {{"name", g.text}});
                    arg = fieldRef(g, true);
                    if (arg)
                        rows = outer->rowScope(g.text);
                } else if (n.kids.size() == 1 && groupFirst) {
                    m_scope = rows.get(); // row fields are visible in the per-row argument
                    arg = parseOr();
                    m_scope = outer;
                } else if (n.kids.empty() && (n.fn == Fn::Selected || n.fn == Fn::CountSelected)) {
                    Token f = next();
                    if (f.kind != Token::Kind::Ident)
                        return unexpected(f);
                    m_lastOptions = nullptr;
                    arg = fieldRef(f, false);
                    if (arg && !m_lastOptions)
                        return at("not_a_choice", f.position, {{"name", f.text}});
                    choiceOptions = m_lastOptions;
                    if (arg && n.fn == Fn::CountSelected && !fits(arg->type, ValueType::List))
                        return typeError(*arg, ValueType::List);
                } else {
                    arg = parseOr();
                }
                if (!arg)
                    return arg;
                n.kids.push_back(std::move(*arg));
                if (peek().kind != Token::Kind::Comma)
                    break;
                next();
            }
        }
        if (auto s = expect(Token::Kind::RParen); !s)
            return s.error();

        Status ok;
        switch (n.fn) {
        case Fn::Count:
            ok = arity(1, 2);
            n.type = ValueType::Number;
            break;
        case Fn::Sum:
            ok = arity(2, 2);
            if (ok && !fits(n.kids[1].type, ValueType::Number))
                return typeError(n.kids[1], ValueType::Number);
            n.type = ValueType::Number;
            break;
        case Fn::Selected:
            ok = arity(2, 2);
            if (ok) {
                const Node& opt = n.kids[1];
                if (opt.kind != Node::Kind::Literal || opt.type != ValueType::Text)
                    return at("option_literal", opt.position);
                if (choiceOptions && !choiceOptions->count(opt.literal.text))
                    return at("unknown_option", opt.position,
                              {{"option", opt.literal.text}, {"name", n.kids[0].name}});
            }
            n.type = ValueType::Bool;
            break;
        case Fn::CountSelected:
            ok = arity(1, 1);
            n.type = ValueType::Number;
            break;
        case Fn::Answered:
            ok = arity(1, 1);
            n.type = ValueType::Bool;
            break;
        case Fn::If:
            ok = arity(3, 3);
            if (ok)
                n.type = n.kids[1].type == n.kids[2].type ? n.kids[1].type : ValueType::Any;
            break;
        case Fn::Min:
        case Fn::Max:
            ok = arity(1, 1000);
            for (const auto& k : n.kids)
                if (!fits(k.type, ValueType::Number))
                    return typeError(k, ValueType::Number);
            n.type = ValueType::Number;
            break;
        case Fn::Round:
            ok = arity(2, 2);
            if (ok) {
                const Node& d = n.kids[1];
                if (!fits(n.kids[0].type, ValueType::Number))
                    return typeError(n.kids[0], ValueType::Number);
                if (d.kind != Node::Kind::Literal || d.type != ValueType::Number ||
                    d.literal.number < Decimal::fromInt(0) ||
                    d.literal.number > Decimal::fromInt(4) ||
                    d.literal.number.units() % Decimal::kScale != 0)
                    return at("round_digits", d.position);
            }
            n.type = ValueType::Number;
            break;
        }
        if (!ok)
            return ok.error();
        return n;
    }

    std::vector<Token> m_t;
    std::size_t m_pos = 0;
    const Scope* m_scope;
    std::vector<std::string>& m_refs;
    const std::set<std::string>* m_lastOptions = nullptr;
    int m_depth = 0;
};

} // namespace

Result<Expression> Expression::parse(std::string_view text, const Scope& scope) {
    auto tokens = Lexer(text).run();
    if (!tokens)
        return tokens.error();
    if (tokens->size() == 1)
        return Error("forms.expr.empty", {{"position", "1"}});
    Expression e;
    auto root = Parser(std::move(*tokens), scope, e.m_references).run();
    if (!root)
        return root.error();
    e.m_root = std::make_shared<const Node>(std::move(*root));
    e.m_text = std::string(text);
    return e;
}

ValueType Expression::type() const {
    return m_root ? m_root->type : ValueType::Any;
}

} // namespace zhuxue::core::forms
