using Xunit.Abstractions;
using Xunit.Sdk;

namespace OmsSync.Integration.Tests.Infrastructure;

/// <summary>
/// Prints a figure a test measured (a peak memory, a count) into the test run's own output, where
/// `./build.sh test` shows it: xunit's diagnostic messages, turned on in xunit.runner.json.
/// </summary>
public sealed class TestFigures(IMessageSink sink)
{
    public void Print(string figure) => sink.OnMessage(new DiagnosticMessage(figure));
}
