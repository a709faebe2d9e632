global using FlowSpike.Delivery;
