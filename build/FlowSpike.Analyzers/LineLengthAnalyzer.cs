using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace FlowSpike.Analyzers;

/// <summary>
/// FS0001: a source line is longer than <see cref="MaxLength"/> characters. Generated files are not analysed.
/// A character is a UTF-16 code unit, except that a surrogate pair counts once, so the count is what an editor's
/// column shows; the line break is not counted.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LineLengthAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The longest line allowed, in characters.</summary>
    public const int MaxLength = 120;

    /// <summary>The rule's identifier.</summary>
    public const string DiagnosticId = "FS0001";

    private static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        title: "Line over 120 characters",
        messageFormat: "line {0} is {1} characters, over {2}",
        category: "Style",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Lines are at most 120 characters; wrap long expressions, strings and comments.");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(Analyze);
    }

    private static void Analyze(SyntaxTreeAnalysisContext context)
    {
        SourceText text = context.Tree.GetText(context.CancellationToken);
        foreach (TextLine line in text.Lines)
        {
            TextSpan span = line.Span;
            if (span.Length <= MaxLength)
            {
                continue;
            }
            int length = 0;
            int overStart = -1;
            for (int i = span.Start; i < span.End; i++)
            {
                if (!char.IsLowSurrogate(text[i]))
                {
                    length++;
                    if (length == MaxLength + 1)
                    {
                        overStart = i;
                    }
                }
            }
            if (overStart < 0)
            {
                continue;
            }
            var location = Location.Create(context.Tree, TextSpan.FromBounds(overStart, span.End));
            context.ReportDiagnostic(Diagnostic.Create(Rule, location, line.LineNumber + 1, length, MaxLength));
        }
    }
}
