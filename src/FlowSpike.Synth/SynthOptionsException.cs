namespace FlowSpike.Synth;

/// <summary>
/// Options the generator refuses. <see cref="Message"/> names the settings by their property names;
/// <see cref="Marked"/> keeps the setting markers, so the CLI can show its flags instead.
/// </summary>
internal sealed class SynthOptionsException(string marked) : ArgumentException(marked)
{
    public string Marked { get; } = marked;

    public override string Message => Setting.Render(Marked);
}
