using System.Buffers;
using System.Text;
using Amazon.Runtime.EventStreams;
using Switchyard.BedrockEmulator.Bedrock;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Wire;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class EventStreamEncoderTests
{
    [Fact]
    public void Crc32_is_the_IEEE_checksum()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void A_frame_round_trips_through_AWSSDK_Core()
    {
        var output = new ArrayBufferWriter<byte>();
        var headers = EventStreamEncoder.EncodeHeaders((":event-type", "contentBlockDelta"), (":content-type", "application/json"), (":message-type", "event"));
        var payload = Encoding.UTF8.GetBytes("""{"contentBlockIndex":0,"delta":{"text":"héllo"}}""");

        EventStreamEncoder.WriteFrame(output, headers, payload);

        var bytes = output.WrittenSpan.ToArray();
        Assert.Equal(EventStreamEncoder.FrameLength(headers.Length, payload.Length), bytes.Length);
        var message = EventStreamMessage.FromBuffer(bytes, 0, bytes.Length);
        Assert.Equal("contentBlockDelta", message.Headers[":event-type"].AsString());
        Assert.Equal("application/json", message.Headers[":content-type"].AsString());
        Assert.Equal("event", message.Headers[":message-type"].AsString());
        Assert.Equal(payload, message.Payload);
        Assert.Equal(bytes, new EventStreamMessage([.. message.Headers.Values], message.Payload).ToByteArray());
    }

    [Theory]
    [InlineData(5)]   // inside the prelude: prelude CRC fails
    [InlineData(-6)]  // inside the payload: message CRC fails
    public void A_corrupted_frame_fails_its_checksum(int position)
    {
        var output = new ArrayBufferWriter<byte>();
        EventStreamEncoder.WriteFrame(output, EventStreamEncoder.EncodeHeaders((":event-type", "messageStop")), """{"stopReason":"end_turn"}"""u8);
        var bytes = output.WrittenSpan.ToArray();
        bytes[position >= 0 ? position : bytes.Length + position] ^= 0x40;

        Assert.ThrowsAny<Exception>(() => EventStreamMessage.FromBuffer(bytes, 0, bytes.Length));
    }

    [Fact]
    public void Exception_frames_carry_the_exception_type()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var events = new BedrockStreamEvents(output))
        {
            events.Exception(ErrorKind.Throttling, "slow down");
        }

        var bytes = output.WrittenSpan.ToArray();
        var message = EventStreamMessage.FromBuffer(bytes, 0, bytes.Length);
        Assert.Equal("exception", message.Headers[":message-type"].AsString());
        Assert.Equal("throttlingException", message.Headers[":exception-type"].AsString());
        Assert.Equal("""{"message":"slow down"}""", Encoding.UTF8.GetString(message.Payload));
    }
}
