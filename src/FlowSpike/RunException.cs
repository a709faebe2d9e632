namespace FlowSpike;

/// <summary>
/// A run refused before touching state, with a one-line reason for the user. The reason names settings by their
/// property (see <see cref="Setting"/>); <see cref="Render"/> names them as a front end spells them.
/// </summary>
public sealed class RunException(string message) : Exception(message)
{
    public override string Message => Setting.Render(base.Message);

    /// <summary>The reason with each setting shown by <paramref name="show"/>.</summary>
    public string Render(Func<string, string> show) => Setting.Render(base.Message, show);
}
