#pragma once
// The few GL entry points client/app uses for its textures (the font atlas, pictures), through
// GLFW like the rest of client/app (no GL loader). Needs a current GL context to be of use.
#include <GLFW/glfw3.h>

namespace zhuxue::app {

constexpr unsigned kTexture2D = 0x0DE1, kTextureBinding2D = 0x8069, kMinFilter = 0x2801,
                   kMagFilter = 0x2800, kLinear = 0x2601, kUnpackRowLength = 0x0CF2,
                   kUnpackAlignment = 0x0CF5, kUnsignedByte = 0x1401, kRed = 0x1903, kR8 = 0x8229,
                   kRgba = 0x1908, kOne = 1, kSwizzleRgba = 0x8E46;

struct Gl {
    void (*genTextures)(int, unsigned*);
    void (*deleteTextures)(int, const unsigned*);
    void (*bindTexture)(unsigned, unsigned);
    void (*texParameteri)(unsigned, unsigned, int);
    void (*texParameteriv)(unsigned, unsigned, const int*);
    void (*texImage2D)(unsigned, int, int, int, int, int, unsigned, unsigned, const void*);
    void (*pixelStorei)(unsigned, int);
    void (*getIntegerv)(unsigned, int*);
};

template <class F> void loadGl(F& fn, const char* name) { fn = reinterpret_cast<F>(glfwGetProcAddress(name)); }

// nullptr without a GL context (headless frames).
inline const Gl* gl() {
    if (!glfwGetCurrentContext())
        return nullptr;
    static Gl g = [] {
        Gl x{};
        loadGl(x.genTextures, "glGenTextures");
        loadGl(x.deleteTextures, "glDeleteTextures");
        loadGl(x.bindTexture, "glBindTexture");
        loadGl(x.texParameteri, "glTexParameteri");
        loadGl(x.texParameteriv, "glTexParameteriv");
        loadGl(x.texImage2D, "glTexImage2D");
        loadGl(x.pixelStorei, "glPixelStorei");
        loadGl(x.getIntegerv, "glGetIntegerv");
        return x;
    }();
    return g.genTextures && g.bindTexture && g.texImage2D ? &g : nullptr;
}

// A new linear-filtered 2D texture holding `pixels` (rows tightly packed, unsigned bytes);
// `swizzle` (4 values) when given. The texture bound before stays bound. Returns its name.
inline unsigned uploadTexture(const Gl& g, int internalFormat, int width, int height, unsigned format,
                              const void* pixels, const int* swizzle = nullptr) {
    int last = 0;
    g.getIntegerv(kTextureBinding2D, &last);
    unsigned texture = 0;
    g.genTextures(1, &texture);
    g.bindTexture(kTexture2D, texture);
    g.texParameteri(kTexture2D, kMinFilter, kLinear);
    g.texParameteri(kTexture2D, kMagFilter, kLinear);
    g.pixelStorei(kUnpackRowLength, 0);
    g.pixelStorei(kUnpackAlignment, 1);
    g.texImage2D(kTexture2D, 0, internalFormat, width, height, 0, format, kUnsignedByte, pixels);
    if (swizzle)
        g.texParameteriv(kTexture2D, kSwizzleRgba, swizzle);
    g.pixelStorei(kUnpackAlignment, 4);
    g.bindTexture(kTexture2D, static_cast<unsigned>(last));
    return texture;
}

} // namespace zhuxue::app
