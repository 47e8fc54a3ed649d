namespace Switchyard.Admission;

/// <summary>The outcome of one store call through the <see cref="StoreGate"/>.</summary>
public readonly record struct StoreAnswer<T>(bool Answered, bool Attempted, T Result)
{
    public void Deconstruct(out bool answered, out T result)
    {
        answered = Answered;
        result = Result;
    }
}
