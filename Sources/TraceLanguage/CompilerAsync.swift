// The compiler's asynchronous iteration: `async for` statements and the
// asynchronous loops of comprehensions (CPython 3.11's SETUP_FINALLY around
// GET_ANEXT and its await, closed by END_ASYNC_FOR).

extension FunctionCompiler {
    /// `async for TARGET in ITER: BODY else: ORELSE`.
    func compileAsyncFor(_ target: Expr, _ iter: Expr, _ body: [Stmt], _ orElse: [Stmt], _ at: SourceLocation) {
        if !scope.isAsync {
            unit.error(at, "'async for' outside async function")
            return
        }
        compile(iter)
        loc = at
        emit(.getAIter)
        let start = here
        let exit = emitAsyncNext()
        compileStore(target)
        let breaks = Box()
        blocks.append(.loop(start: start, breaks: breaks, isFor: true))
        compileStatements(body)
        blocks.removeLast()
        loc = at
        emit(.jump(Int32(start)))
        patch(exit, to: here)
        emit(.endAsyncFor)
        compileStatements(orElse)
        for b in breaks.jumps { patch(b, to: here) }
    }

    /// With the async iterator on top: awaits its `__anext__()` inside a
    /// protected region, pushing the value. Returns the region's `setupTry`,
    /// to patch to the `endAsyncFor` that ends the loop.
    func emitAsyncNext() -> Int {
        let setup = emit(.setupTry(0))
        emit(.getANext)
        emit(.loadNone)
        emit(.yieldFrom)
        emit(.popBlock)
        return setup
    }
}
